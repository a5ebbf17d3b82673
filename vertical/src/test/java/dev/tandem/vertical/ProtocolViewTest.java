package dev.tandem.vertical;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.crypto.paillier.PaillierCiphertext;
import dev.tandem.crypto.paillier.PaillierParameters;
import dev.tandem.crypto.paillier.PaillierPublicKey;
import java.math.BigInteger;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What each role learns. The arbiter's view (every value it decrypts) is uniform in Z_n and has the
 * same distribution whatever the labels and gradients are; a host's view holds only ciphertexts
 * under the arbiter's key, and the residuals it receives cannot be divided by its own partial scores
 * to reveal the guest's plaintext. The protocol computes what plaintext training computes, for one
 * host and for several.
 */
class ProtocolViewTest {
  private static Arbiter arbiter;
  private static PaillierPublicKey key;

  @BeforeAll
  static void key() {
    arbiter = Arbiter.generate(PaillierParameters.BITS_1024_TESTING_ONLY, new SecureRandom());
    key = arbiter.publicKey();
  }

  /** Synthetic rows whose label depends on both parties' columns. */
  private record Synthetic(double[][] guest, boolean[] labels, List<double[][]> hosts) {
    static Synthetic of(int rows, int hosts, long seed) {
      Random r = new Random(seed);
      double[][] g = new double[rows][3];
      List<double[][]> hs = new ArrayList<>();
      for (int h = 0; h < hosts; h++) {
        hs.add(new double[rows][2]);
      }
      boolean[] y = new boolean[rows];
      for (int i = 0; i < rows; i++) {
        double z = -0.5;
        for (int j = 0; j < 3; j++) {
          g[i][j] = r.nextGaussian();
          z += 0.8 * g[i][j] * (j == 1 ? -1 : 1);
        }
        for (double[][] h : hs) {
          for (int j = 0; j < 2; j++) {
            h[i][j] = r.nextGaussian();
            z += 0.6 * h[i][j];
          }
        }
        y[i] = r.nextDouble() < 1 / (1 + Math.exp(-z));
      }
      return new Synthetic(g, y, hs);
    }
  }

  private static SecureRandom seeded(long seed) {
    try {
      SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
      r.setSeed(seed);
      return r;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static final HeteroLrConfig CONFIG = HeteroLrConfig.of(50, 0.3, 0.01, 11);

  @Test
  void encryptedRun_twoHosts_matchesPlaintextTrainingAndItsLoss() {
    Synthetic s = Synthetic.of(300, 2, 1);
    Convergence three = new Convergence(3, 0);
    LocalTraining.Result enc = LocalTraining.run(CONFIG, three, arbiter, s.guest(), s.labels(), s.hosts(),
        new SecureRandom(), new LocalTraining.Transcript() {}, 0);
    LocalTraining.Result plain = PlaintextTraining.run(CONFIG, three, s.guest(), s.labels(), s.hosts());
    assertArrayEquals(plain.guestWeights(), enc.guestWeights(), 1e-3);
    assertEquals(plain.intercept(), enc.intercept(), 1e-3);
    for (int h = 0; h < 2; h++) {
      assertArrayEquals(plain.hostWeights().get(h), enc.hostWeights().get(h), 1e-3);
    }
    for (int e = 0; e < 3; e++) {
      assertEquals(plain.losses().get(e), enc.losses().get(e), 1e-4, "epoch " + e + " loss");
    }
    assertTrue(enc.losses().get(2) < enc.losses().get(0), "loss decreases: " + enc.losses());
  }

  /** Records everything the arbiter decrypts. */
  private static List<BigInteger> arbiterView(Synthetic s, SecureRandom random) {
    List<BigInteger> seen = new ArrayList<>();
    LocalTraining.run(CONFIG, new Convergence(2, 0), arbiter, s.guest(), s.labels(), s.hosts(), random,
        new LocalTraining.Transcript() {
          @Override
          public void arbiterDecrypted(BigInteger[] plaintexts) {
            seen.addAll(Arrays.asList(plaintexts));
          }
        }, 0);
    return seen;
  }

  /** Kolmogorov-Smirnov distance of the values / n from the uniform distribution on [0, 1). */
  private static double ksFromUniform(List<BigInteger> values) {
    double[] u = values.stream().mapToDouble(v -> new java.math.BigDecimal(v)
        .divide(new java.math.BigDecimal(key.modulus()), java.math.MathContext.DECIMAL64).doubleValue())
        .sorted().toArray();
    double d = 0;
    for (int i = 0; i < u.length; i++) {
      d = Math.max(d, Math.max((i + 1.0) / u.length - u[i], u[i] - (double) i / u.length));
    }
    return d;
  }

  @Test
  void arbiterView_isUniformAndTheSameWhateverTheLabels() {
    Synthetic s = Synthetic.of(400, 1, 2);
    boolean[] flipped = s.labels().clone();
    for (int i = 0; i < flipped.length; i++) {
      flipped[i] = !flipped[i];
    }
    boolean[] none = new boolean[flipped.length];
    List<BigInteger> real = arbiterView(s, seeded(5));
    List<BigInteger> opposite = arbiterView(new Synthetic(s.guest(), flipped, s.hosts()), seeded(5));
    List<BigInteger> allNegative = arbiterView(new Synthetic(s.guest(), none, s.hosts()), seeded(5));
    // 2 epochs x 8 batches x 2 parties + 2 losses
    assertEquals(34, real.size());
    // Each set is uniform; an unmasked gradient or loss would be tiny or close to n.
    BigInteger floor = BigInteger.ONE.shiftLeft(key.modulus().bitLength() - 40);
    for (List<BigInteger> view : List.of(real, opposite, allNegative)) {
      // critical value of the one-sample KS test at level 0.001 for 34 values: 1.95 / sqrt(34) = 0.33
      assertTrue(ksFromUniform(view) < 0.33, "arbiter view is not uniform: KS " + ksFromUniform(view));
      for (BigInteger v : view) {
        assertTrue(v.compareTo(floor) > 0 && key.modulus().subtract(v).compareTo(floor) > 0,
            "a decryption lies within 2^-40 n of 0 or n: an unmasked value");
      }
    }
    // Gradient decryptions (not the losses at 16 and 33: flipping every label negates the weights
    // and leaves the Taylor loss as it was) differ between the runs, with the same masks.
    for (int i = 0; i < real.size(); i++) {
      if (i % 17 != 16) {
        assertNotEquals(real.get(i), opposite.get(i), "decryption " + i);
      }
    }
  }

  @Test
  void hostView_onlyCiphertexts_residualsRerandomized() {
    Synthetic s = Synthetic.of(120, 1, 3);
    List<PaillierCiphertext[]> sent = new ArrayList<>();
    List<PaillierCiphertext[]> received = new ArrayList<>();
    LocalTraining.run(CONFIG, new Convergence(1, 0), arbiter, s.guest(), s.labels(), s.hosts(),
        new SecureRandom(), new LocalTraining.Transcript() {
          @Override
          public void hostSent(int host, PaillierCiphertext[] scores) {
            sent.add(scores);
          }

          @Override
          public void hostReceived(int host, PaillierCiphertext[] residuals) {
            received.add(residuals);
          }
        }, 0);
    assertEquals(sent.size(), received.size());
    BigInteger n = key.modulus();
    BigInteger n2 = n.multiply(n);
    for (int b = 0; b < sent.size(); b++) {
      for (int i = 0; i < sent.get(b).length; i++) {
        PaillierCiphertext d = key.requireValid(received.get(b)[i]);
        // Without fresh randomness D / U = (1 + n)^m = 1 + m n mod n^2 would give the host
        // m = g + 2 - 4y, the guest's score and label.
        BigInteger quotient = d.value().multiply(sent.get(b)[i].value().modInverse(n2)).mod(n2);
        assertNotEquals(BigInteger.ZERO, quotient.subtract(BigInteger.ONE).mod(n),
            "batch " + b + " row " + i + ": the residual is the host's own ciphertext times a plaintext");
      }
    }
  }

  @Test
  void parties_refuseMessagesOfTheWrongShape() {
    Synthetic s = Synthetic.of(20, 1, 4);
    try (Encryptor e = Encryptor.start(key, new SecureRandom(), 0, 0)) {
      HostParty host = new HostParty(CONFIG, s.hosts().get(0), e, new SecureRandom());
      GuestParty guest = new GuestParty(CONFIG, s.guest(), s.labels(), e, new SecureRandom());
      PaillierCiphertext[] scores = host.forward(new int[] {0, 1, 2});
      assertThrows(IllegalArgumentException.class, () -> guest.residuals(new int[] {0, 1}, List.<PaillierCiphertext[]>of(scores)));
      assertThrows(IllegalArgumentException.class, () -> guest.residuals(new int[] {0, 1, 2}, List.<PaillierCiphertext[]>of()));
      assertThrows(IllegalArgumentException.class, () -> host.gradient(Arrays.copyOf(scores, 2)));
      assertThrows(IllegalStateException.class, () -> host.update(new BigInteger[] {BigInteger.ONE}));
      assertThrows(IllegalArgumentException.class, () -> host.forward(new int[] {20}));
      byte[] wire = Ciphertexts.toBytes(key, scores);
      assertThrows(IllegalArgumentException.class, () -> Ciphertexts.fromBytes(key, wire, 4));
      assertThrows(IllegalArgumentException.class,
          () -> Ciphertexts.fromBytes(key, Arrays.copyOf(wire, wire.length - 1), 3));
      double[][] nan = {{Double.NaN, 1}};
      assertThrows(IllegalArgumentException.class, () -> new HostParty(CONFIG, nan, e, new SecureRandom()));
    }
  }

  @Test
  void batchSchedule_sameForEveryParty_coversEveryRowOncePerEpoch() {
    BatchSchedule a = new BatchSchedule(103, 10, 42);
    BatchSchedule b = new BatchSchedule(103, 10, 42);
    assertEquals(10, a.batches());
    for (int epoch = 0; epoch < 3; epoch++) {
      boolean[] seen = new boolean[103];
      for (int batch = 0; batch < a.batches(); batch++) {
        assertArrayEquals(a.rows(epoch, batch), b.rows(epoch, batch));
        for (int row : a.rows(epoch, batch)) {
          assertTrue(!seen[row], "row " + row + " twice in epoch " + epoch);
          seen[row] = true;
        }
      }
      for (boolean s : seen) {
        assertTrue(s);
      }
    }
    assertNotEquals(Arrays.toString(a.rows(0, 0)), Arrays.toString(a.rows(1, 0)));
  }
}
