package dev.tandem.vertical;

import dev.tandem.crypto.paillier.PaillierCiphertext;
import dev.tandem.crypto.paillier.PaillierParameters;
import dev.tandem.crypto.paillier.PaillierPublicKey;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Runs the whole protocol in one process: the arbiter, the guest and the hosts exchange exactly
 * the messages they exchange across the federation (as bytes, through {@link Ciphertexts}), in the
 * same order, without the transport and sealing. For tests and benchmarks of the cryptographic
 * protocol; the federation runs the same roles in separate processes.
 */
public final class LocalTraining {

  /** Sees every message of a run; for tests that check what each role learns. */
  public interface Transcript {
    /** The plaintexts the arbiter decrypted for one request. */
    default void arbiterDecrypted(BigInteger[] plaintexts) {}

    /** What host {@code host} sent to the guest: its encrypted partial scores. */
    default void hostSent(int host, PaillierCiphertext[] scores) {}

    /** What host {@code host} received from the guest: the encrypted residuals. */
    default void hostReceived(int host, PaillierCiphertext[] residuals) {}
  }

  /**
   * The outcome of a run.
   *
   * @param losses the mean Taylor loss of each epoch, as the guest decrypted it
   * @param converged whether the loss change fell below the tolerance before the epoch limit
   * @param epochSeconds wall time of each epoch, without waiting for precomputed randomness
   * @param precomputeSeconds wall time spent waiting for precomputed randomness before epochs
   */
  public record Result(List<Double> losses, boolean converged, double[] guestWeights, double intercept,
                       List<double[]> hostWeights, List<Double> epochSeconds, double precomputeSeconds) {
    public Result {
      losses = List.copyOf(losses);
      hostWeights = List.copyOf(hostWeights);
      epochSeconds = List.copyOf(epochSeconds);
    }

    /** Returns the score of each aligned row with the trained pieces. */
    public double[] scores(double[][] guest, List<double[][]> hosts) {
      double[] out = new double[guest.length];
      for (int i = 0; i < out.length; i++) {
        double s = intercept;
        for (int j = 0; j < guestWeights.length; j++) {
          s += guest[i][j] * guestWeights[j];
        }
        for (int h = 0; h < hosts.size(); h++) {
          double[] w = hostWeights.get(h);
          for (int j = 0; j < w.length; j++) {
            s += hosts.get(h)[i][j] * w[j];
          }
        }
        out[i] = s;
      }
      return out;
    }
  }

  private LocalTraining() {}

  /** Runs with a fresh arbiter key of {@code parameters} and no transcript. */
  public static Result run(HeteroLrConfig config, Convergence convergence, PaillierParameters parameters,
      double[][] guest, boolean[] labels, List<double[][]> hosts, SecureRandom random) {
    return run(config, convergence, Arbiter.generate(parameters, random), guest, labels, hosts, random,
        new Transcript() {}, 0);
  }

  /**
   * Runs the protocol to convergence.
   *
   * @param poolCapacity randomness each party precomputes ahead (0: none); with a pool, each epoch
   *     starts once every party has min(poolCapacity, rows) values ready, precomputation pauses
   *     during the epoch, and the wait is reported apart from the epoch's time
   * @throws IllegalArgumentException if the parties' row counts differ
   */
  public static Result run(HeteroLrConfig config, Convergence convergence, Arbiter arbiter, double[][] guest,
      boolean[] labels, List<double[][]> hosts, SecureRandom random, Transcript transcript, int poolCapacity) {
    Objects.requireNonNull(transcript, "transcript");
    PaillierPublicKey key = arbiter.publicKey();
    for (int h = 0; h < hosts.size(); h++) {
      if (hosts.get(h).length != guest.length) {
        throw new IllegalArgumentException("host " + h + " has " + hosts.get(h).length + " rows, the guest "
            + guest.length);
      }
    }
    List<Encryptor> encryptors = new ArrayList<>();
    try {
      Encryptor guestEncryptor = Encryptor.start(key, random, poolCapacity, poolCapacity > 0 ? 1 : 0);
      encryptors.add(guestEncryptor);
      GuestParty g = new GuestParty(config, guest, labels, guestEncryptor, random);
      List<HostParty> hs = new ArrayList<>();
      for (double[][] x : hosts) {
        Encryptor e = Encryptor.start(key, random, poolCapacity, poolCapacity > 0 ? 1 : 0);
        encryptors.add(e);
        hs.add(new HostParty(config, x, e, random));
      }
      BatchSchedule schedule = new BatchSchedule(guest.length, config.batchSize(), config.seed());
      List<Double> losses = new ArrayList<>();
      List<Double> seconds = new ArrayList<>();
      long waited = 0;
      for (int epoch = 0; !convergence.done(losses); epoch++) {
        long wait = System.nanoTime();
        encryptors.forEach(Encryptor::resumePrecomputation); // every party's pool fills at once
        for (Encryptor e : encryptors) {
          awaitReady(e, Math.min(poolCapacity, guest.length));
        }
        encryptors.forEach(Encryptor::pausePrecomputation);
        long start = System.nanoTime();
        waited += start - wait;
        for (int b = 0; b < schedule.batches(); b++) {
          int[] rows = schedule.rows(epoch, b);
          batch(key, arbiter, g, hs, rows, transcript);
        }
        losses.add(g.epochLoss(decrypt(arbiter, key, g.maskedLoss(), transcript)));
        seconds.add((System.nanoTime() - start) / 1e9);
      }
      List<double[]> hostWeights = new ArrayList<>();
      for (HostParty h : hs) {
        hostWeights.add(h.weights());
      }
      double[] w = g.weights();
      return new Result(losses, convergence.converged(losses), java.util.Arrays.copyOf(w, w.length - 1),
          g.intercept(), hostWeights, seconds, waited / 1e9);
    } finally {
      encryptors.forEach(Encryptor::close);
    }
  }

  private static void awaitReady(Encryptor encryptor, int count) {
    if (count <= 0) {
      return;
    }
    try {
      if (!encryptor.awaitReady(count, java.time.Duration.ofMinutes(30))) {
        throw new IllegalStateException("precomputed randomness not ready after 30 minutes");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while precomputing randomness", e);
    }
  }

  private static void batch(PaillierPublicKey key, Arbiter arbiter, GuestParty g, List<HostParty> hs, int[] rows,
      Transcript transcript) {
    List<PaillierCiphertext[]> scores = new ArrayList<>();
    for (int h = 0; h < hs.size(); h++) {
      PaillierCiphertext[] sent = hs.get(h).forward(rows);
      transcript.hostSent(h, sent);
      scores.add(relay(key, sent));
    }
    byte[] residuals = Ciphertexts.toBytes(key, g.residuals(rows, scores));
    List<PaillierCiphertext> lossTerms = new ArrayList<>();
    List<PaillierCiphertext[]> hostMasked = new ArrayList<>();
    for (int h = 0; h < hs.size(); h++) {
      PaillierCiphertext[] received = Ciphertexts.fromBytes(key, residuals, rows.length);
      transcript.hostReceived(h, received);
      HostParty.GradientShare share = hs.get(h).gradient(received);
      hostMasked.add(share.toArbiter());
      lossTerms.add(relay(key, new PaillierCiphertext[] {share.lossTerm()})[0]);
    }
    PaillierCiphertext[] guestMasked = g.gradient();
    for (int h = 0; h < hs.size(); h++) {
      hs.get(h).update(decrypt(arbiter, key, hostMasked.get(h), transcript));
    }
    g.update(decrypt(arbiter, key, guestMasked, transcript));
    g.addLossTerms(lossTerms);
  }

  private static PaillierCiphertext[] relay(PaillierPublicKey key, PaillierCiphertext[] values) {
    return Ciphertexts.fromBytes(key, Ciphertexts.toBytes(key, values), values.length);
  }

  private static BigInteger[] decrypt(Arbiter arbiter, PaillierPublicKey key, PaillierCiphertext[] masked,
      Transcript transcript) {
    BigInteger[] plain = arbiter.decrypt(relay(key, masked));
    transcript.arbiterDecrypted(plain.clone());
    return plain;
  }
}
