package dev.tandem.vertical.sshe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.crypto.paillier.PaillierParameters;
import java.security.SecureRandom;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Secret-shared training computes what the plaintext computation does, for two and three parties. */
class SsheTrainingTest {
  private static final SecureRandom RANDOM = new SecureRandom();

  static double[][] gaussian(Random r, int n, int d) {
    double[][] x = new double[n][d];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        x[i][j] = r.nextGaussian();
      }
    }
    return x;
  }

  static boolean[] labels(Random r, double[][] guest, List<double[][]> hosts) {
    boolean[] y = new boolean[guest.length];
    for (int i = 0; i < y.length; i++) {
      double z = 0.5 * guest[i][0] - 0.8 * guest[i][1];
      for (double[][] h : hosts) {
        z += 1.2 * h[i][0] - 0.4 * h[i][h[i].length - 1];
      }
      y[i] = r.nextDouble() < 1 / (1 + Math.exp(-z));
    }
    return y;
  }

  private static void assertSameWeights(List<double[]> expected, List<double[]> got) {
    assertEquals(expected.size(), got.size());
    for (int p = 0; p < expected.size(); p++) {
      for (int j = 0; j < expected.get(p).length; j++) {
        assertEquals(expected.get(p)[j], got.get(p)[j], 2e-3, "party " + p + " weight " + j);
      }
    }
  }

  @Test
  void run_guestAndOneHost_equalsPlaintextTraining() {
    Random r = new Random(1);
    double[][] guest = gaussian(r, 300, 3);
    List<double[][]> hosts = List.<double[][]>of(gaussian(r, 300, 4));
    boolean[] y = labels(r, guest, hosts);
    SsheConfig config = new SsheConfig(64, 0.3, 0.001, 5);
    SsheLocalRun.Result run = SsheLocalRun.run(config, 2, PaillierParameters.BITS_1024_TESTING_ONLY, guest, y, hosts,
        RANDOM);
    assertSameWeights(SshePlaintext.train(config, 2, guest, y, hosts), run.weights());
    assertTrue(Math.abs(run.weights().get(1)[0]) > 0.1, "host weight did not move: " + run.weights().get(1)[0]);
    assertSameLosses(SshePlaintext.losses(config, 2, guest, y, hosts), run.losses());
    assertAucOfScores(run, guest, hosts, y);
  }

  @Test
  void run_guestAndTwoHosts_equalsPlaintextTraining() {
    Random r = new Random(2);
    double[][] guest = gaussian(r, 200, 2);
    List<double[][]> hosts = List.of(gaussian(r, 200, 3), gaussian(r, 200, 2));
    boolean[] y = labels(r, guest, hosts);
    SsheConfig config = new SsheConfig(50, 0.3, 0.0, 9);
    java.util.concurrent.atomic.AtomicReferenceArray<SsheParty> parties = new java.util.concurrent.atomic.AtomicReferenceArray<>(3);
    java.util.concurrent.atomic.AtomicInteger masks = new java.util.concurrent.atomic.AtomicInteger();
    SsheLocalRun.Relay relay = m -> {
      if (m.kind() == SsheMessage.Kind.LOSS_MASK && m.from() == 2 && m.to() == 1) {
        masks.incrementAndGet();
      }
      return List.of(m);
    };
    SsheLocalRun.Result run = SsheLocalRun.run(config, 2, PaillierParameters.BITS_1024_TESTING_ONLY, guest, y, hosts,
        RANDOM, relay, p -> {
          parties.set(p.index(), p);
          return p;
        }, p -> null, e -> new int[0]);
    assertSameWeights(SshePlaintext.train(config, 2, guest, y, hosts), run.weights());
    assertSameLosses(SshePlaintext.losses(config, 2, guest, y, hosts), run.losses());
    // three parties: the AUC is exactly that of the binned scores (coarser bins with two hosts)
    double[][] partial = new double[3][y.length];
    for (int p = 0; p < 3; p++) {
      double mean = 0;
      for (int i = 0; i < y.length; i++) {
        partial[p][i] = parties.get(p).partialScore(i);
        mean += partial[p][i] / y.length;
      }
      for (int i = 0; i < y.length; i++) {
        partial[p][i] -= mean;
      }
    }
    assertEquals(binnedAuc(partial[0], List.of(partial[1], partial[2]), y, parties.get(0).hostBins()),
        run.auc(), 1e-12);
    // host 2 masks the loss share it opens to the guest, once per epoch, with a mask host 1 cancels
    assertEquals(2, masks.get());
  }

  @Test
  void run_rowsDroppedAtEpochOne_equalsPlaintextTrainingWithoutThemFromThen() {
    Random r = new Random(3);
    double[][] guest = gaussian(r, 240, 2);
    List<double[][]> hosts = List.<double[][]>of(gaussian(r, 240, 3));
    boolean[] y = labels(r, guest, hosts);
    SsheConfig config = new SsheConfig(60, 0.3, 0.001, 2);
    java.util.function.IntFunction<int[]> drops = e -> e == 1 ? new int[] {3, 17, 100, 239} : new int[0];
    SsheLocalRun.Result run = SsheLocalRun.run(config, 2, PaillierParameters.BITS_1024_TESTING_ONLY, guest, y, hosts,
        RANDOM, SsheLocalRun.Relay.honest(), p -> p, p -> null, drops);
    assertSameWeights(SshePlaintext.train(config, 2, guest, y, hosts, drops), run.weights());
    List<double[]> kept = SshePlaintext.train(config, 2, guest, y, hosts);
    assertTrue(Math.abs(kept.get(1)[0] - run.weights().get(1)[0]) > 1e-4, "dropping rows changed nothing");
  }

  private static void assertSameLosses(List<Double> expected, List<Double> got) {
    assertEquals(expected.size(), got.size());
    for (int e = 0; e < expected.size(); e++) {
      assertEquals(expected.get(e), got.get(e), 1e-3, "loss of epoch " + e + ": " + got + " vs " + expected);
    }
    assertTrue(got.get(got.size() - 1) < got.get(0), "loss did not decrease: " + got);
  }

  static void assertAucOfScores(SsheLocalRun.Result run, double[][] guest, List<double[][]> hosts, boolean[] y) {
    double[] scores = new double[y.length];
    for (int i = 0; i < y.length; i++) {
      scores[i] = run.score(guest, hosts, i);
    }
    double exact = dev.tandem.vertical.Auc.of(scores, y);
    assertEquals(exact, run.auc(), 0.03, "protocol AUC " + run.auc() + ", exact " + exact);
  }

  /**
   * Returns the AUC of the binned scores the protocol computes, from the parties' partial scores (the
   * guest's first, its intercept included), each already centred on its mean: a reference for tests.
   */
  private static double binnedAuc(double[] guest, java.util.List<double[]> hosts, boolean[] y, int hostBins) {
    double width = SsheEvaluation.width(hostBins);
    int guestBins = SsheEvaluation.guestBins(hostBins);
    int positions = hosts.size() * (hostBins - 1) + 1;
    int m = SsheEvaluation.scorePositions(hostBins, positions);
    long[] pos = new long[m];
    long[] neg = new long[m];
    for (int i = 0; i < y.length; i++) {
      int s = SsheEvaluation.bin(guest[i], width / SsheEvaluation.GUEST_REFINE, guestBins);
      for (double[] h : hosts) {
        s += SsheEvaluation.GUEST_REFINE * SsheEvaluation.bin(h[i], width, hostBins);
      }
      if (y[i]) {
        pos[s]++;
      } else {
        neg[s]++;
      }
    }
    double count = 0;
    long below = 0;
    long p = 0;
    for (int k = 0; k < m; k++) {
      count += pos[k] * (2.0 * below + neg[k]);
      below += neg[k];
      p += pos[k];
    }
    return count / (2.0 * p * below);
  }

}
