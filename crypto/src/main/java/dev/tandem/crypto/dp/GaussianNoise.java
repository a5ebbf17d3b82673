package dev.tandem.crypto.dp;

import java.security.SecureRandom;
import java.util.Objects;

/**
 * The Gaussian mechanism of DP-SGD: draws N(0, (sigma * C)^2) noise for a sum of gradients
 * clipped to L2 norm C.
 *
 * <p>Samples come from {@link SecureRandom#nextGaussian()}, the JDK's Marsaglia polar method fed
 * by the instance's own {@code SecureRandom} (53-bit uniforms from its {@code nextBytes}). This is
 * the textbook continuous Gaussian in double precision; like Opacus and TF Privacy it is not
 * hardened against the floating-point attacks of Mironov 2012 on the low-order bits of noisy
 * values. Thread-safe (SecureRandom is), but concurrent callers interleave one stream.
 */
public final class GaussianNoise {

  private final double noiseMultiplier;
  private final double maxGradNorm;
  private final double standardDeviation;
  private final SecureRandom random;

  /**
   * Noise with standard deviation {@code noiseMultiplier * maxGradNorm} drawn from {@code random}.
   *
   * @param noiseMultiplier sigma, finite and &gt; 0
   * @param maxGradNorm     clipping norm C, finite and &gt; 0
   * @param random          the only source of randomness of this instance (tests inject a seeded one)
   * @throws IllegalArgumentException if sigma or C is outside its range
   * @throws NullPointerException     if random is null
   */
  public GaussianNoise(double noiseMultiplier, double maxGradNorm, SecureRandom random) {
    if (!(noiseMultiplier > 0) || Double.isInfinite(noiseMultiplier)) {
      throw new IllegalArgumentException("noiseMultiplier must be finite and > 0, got " + noiseMultiplier);
    }
    if (!(maxGradNorm > 0) || Double.isInfinite(maxGradNorm)) {
      throw new IllegalArgumentException("maxGradNorm must be finite and > 0, got " + maxGradNorm);
    }
    this.noiseMultiplier = noiseMultiplier;
    this.maxGradNorm = maxGradNorm;
    this.standardDeviation = noiseMultiplier * maxGradNorm;
    this.random = Objects.requireNonNull(random, "random");
  }

  /** Noise for {@code config} drawn from a new default {@link SecureRandom}. */
  public static GaussianNoise forConfig(DpSgdConfig config) {
    return forConfig(config, new SecureRandom());
  }

  /** Noise for {@code config} drawn from {@code random}. */
  public static GaussianNoise forConfig(DpSgdConfig config, SecureRandom random) {
    return new GaussianNoise(config.noiseMultiplier(), config.maxGradNorm(), random);
  }

  /** sigma * C. */
  public double standardDeviation() {
    return standardDeviation;
  }

  /** sigma. */
  public double noiseMultiplier() {
    return noiseMultiplier;
  }

  /** C. */
  public double maxGradNorm() {
    return maxGradNorm;
  }

  /** One draw from N(0, (sigma * C)^2). */
  public double sample() {
    return random.nextGaussian() * standardDeviation;
  }

  /**
   * {@code n} independent draws.
   *
   * @throws IllegalArgumentException if n &lt; 0
   */
  public double[] sample(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("n must be >= 0, got " + n);
    }
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = sample();
    }
    return out;
  }

  /**
   * One party's share of this noise when {@code parties} parties each add one to a sum (distributed
   * DP under secure aggregation): standard deviation {@code sigma * C / sqrt(parties)}, drawn from the
   * same {@code SecureRandom}, so the sum of any {@code parties} independent shares is distributed as
   * one draw of this noise. One party is this noise.
   *
   * @throws IllegalArgumentException if parties &lt; 1
   */
  public GaussianNoise share(int parties) {
    if (parties < 1) {
      throw new IllegalArgumentException("parties must be >= 1, got " + parties);
    }
    return parties == 1 ? this : new GaussianNoise(noiseMultiplier / Math.sqrt(parties), maxGradNorm, random);
  }

  /** Adds an independent draw to every element of {@code values}, in place. */
  public void addTo(double[] values) {
    for (int i = 0; i < values.length; i++) {
      values[i] += sample();
    }
  }
}
