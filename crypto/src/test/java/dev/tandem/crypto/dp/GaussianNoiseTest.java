package dev.tandem.crypto.dp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class GaussianNoiseTest {

  /** A deterministic SecureRandom: SHA1PRNG seeded before its first use draws only from the seed. */
  private static SecureRandom seeded(long seed) {
    try {
      SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
      random.setSeed(seed);
      return random;
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void sample_manyDraws_haveZeroMeanAndSigmaTimesClipDeviation() {
    GaussianNoise noise = new GaussianNoise(1.5, 2.0, seeded(42));
    int n = 200_000;
    double[] x = noise.sample(n);
    double mean = Arrays.stream(x).average().orElseThrow();
    double var = Arrays.stream(x).map(v -> (v - mean) * (v - mean)).sum() / (n - 1);
    double sd = 3.0;
    // 5 standard errors: mean se = sd/sqrt(n), variance se ~ sd^2 sqrt(2/n).
    assertEquals(0.0, mean, 5 * sd / Math.sqrt(n), "mean");
    assertEquals(sd * sd, var, 5 * sd * sd * Math.sqrt(2.0 / n), "variance");
    assertEquals(sd, noise.standardDeviation(), 0.0);
  }

  @Test
  void sample_distribution_passesKolmogorovSmirnovAgainstNormal() {
    GaussianNoise noise = new GaussianNoise(0.8, 1.25, seeded(7));
    int n = 50_000;
    double[] x = noise.sample(n);
    Arrays.sort(x);
    double d = 0;
    for (int i = 0; i < n; i++) {
      double cdf = 0.5 * Math.exp(LogMath.logErfc(-x[i] / Math.sqrt(2)));
      d = Math.max(d, Math.max(Math.abs(cdf - (double) i / n), Math.abs((double) (i + 1) / n - cdf)));
    }
    // Critical value at the 0.1% level: 1.95 / sqrt(n).
    assertTrue(d < 1.95 / Math.sqrt(n), "KS statistic " + d);
    // A wrong scale (sd 1.1 instead of 1) is caught by the same statistic.
    double wrong = 0;
    for (int i = 0; i < n; i++) {
      double cdf = 0.5 * Math.exp(LogMath.logErfc(-x[i] * 1.1 / Math.sqrt(2)));
      wrong = Math.max(wrong, Math.abs(cdf - (i + 0.5) / n));
    }
    assertTrue(wrong > 1.95 / Math.sqrt(n), "KS statistic for a wrong scale " + wrong);
  }

  @Test
  void sample_sameSeed_isReproducible_differentSeed_differs() {
    double[] a = new GaussianNoise(1, 1, seeded(99)).sample(16);
    double[] b = new GaussianNoise(1, 1, seeded(99)).sample(16);
    double[] c = new GaussianNoise(1, 1, seeded(100)).sample(16);
    assertArrayEquals(a, b);
    assertTrue(!Arrays.equals(a, c));
  }

  @Test
  void addTo_addsOneDrawPerElement() {
    double[] v = {10, 20, 30};
    double[] expectedNoise = new GaussianNoise(2, 0.5, seeded(5)).sample(3);
    new GaussianNoise(2, 0.5, seeded(5)).addTo(v);
    assertArrayEquals(new double[] {10 + expectedNoise[0], 20 + expectedNoise[1], 30 + expectedNoise[2]}, v);
  }

  @Test
  void forConfig_usesSigmaTimesClip() {
    GaussianNoise noise = GaussianNoise.forConfig(new DpSgdConfig(1.1, 0.5, 0.01, 1e-5));
    assertEquals(0.55, noise.standardDeviation(), 1e-15);
    assertEquals(1.1, noise.noiseMultiplier(), 0.0);
    assertEquals(0.5, noise.maxGradNorm(), 0.0);
    assertTrue(Double.isFinite(noise.sample()));
  }

  @Test
  void constructor_invalidArguments_throw() {
    SecureRandom r = seeded(1);
    assertEquals("noiseMultiplier must be finite and > 0, got 0.0",
        assertThrows(IllegalArgumentException.class, () -> new GaussianNoise(0, 1, r)).getMessage());
    assertEquals("maxGradNorm must be finite and > 0, got NaN",
        assertThrows(IllegalArgumentException.class, () -> new GaussianNoise(1, Double.NaN, r)).getMessage());
    assertThrows(NullPointerException.class, () -> new GaussianNoise(1, 1, null));
    assertThrows(IllegalArgumentException.class, () -> new GaussianNoise(1, 1, r).sample(-1));
  }
}
