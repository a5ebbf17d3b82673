package dev.tandem.crypto.dp;

/**
 * Parameters of one DP-SGD training run.
 *
 * @param noiseMultiplier sigma: noise standard deviation / clipping norm, finite and &gt; 0
 * @param maxGradNorm     C: the L2 norm each per-example gradient is clipped to, finite and &gt; 0
 * @param samplingRate    q: Poisson sampling rate of examples per step, in (0, 1]
 * @param delta           the delta of the (epsilon, delta) guarantee, in (0, 1)
 */
public record DpSgdConfig(double noiseMultiplier, double maxGradNorm, double samplingRate, double delta) {

  /**
   * Validates the parameters.
   *
   * @throws IllegalArgumentException naming the first value outside its range
   */
  public DpSgdConfig {
    if (!(noiseMultiplier > 0) || Double.isInfinite(noiseMultiplier)) {
      throw new IllegalArgumentException("noiseMultiplier must be finite and > 0, got " + noiseMultiplier);
    }
    if (!(maxGradNorm > 0) || Double.isInfinite(maxGradNorm)) {
      throw new IllegalArgumentException("maxGradNorm must be finite and > 0, got " + maxGradNorm);
    }
    if (!(samplingRate > 0 && samplingRate <= 1)) {
      throw new IllegalArgumentException("samplingRate must be in (0, 1], got " + samplingRate);
    }
    if (!(delta > 0 && delta < 1)) {
      throw new IllegalArgumentException("delta must be in (0, 1), got " + delta);
    }
  }

  /** Standard deviation of the noise added to the sum of clipped gradients: sigma * C. */
  public double noiseStandardDeviation() {
    return noiseMultiplier * maxGradNorm;
  }

  /**
   * The accountant after {@code steps} steps of this run on top of {@code spent}.
   *
   * @throws IllegalArgumentException if steps &lt; 0
   */
  public RdpAccountant composeInto(RdpAccountant spent, long steps) {
    return spent.compose(samplingRate, noiseMultiplier, steps);
  }

  /**
   * Epsilon at this config's delta after {@code steps} steps.
   *
   * @throws IllegalArgumentException if steps &lt; 0
   */
  public double epsilonAfter(long steps) {
    return PrivacyPlanner.epsilon(samplingRate, noiseMultiplier, steps, delta);
  }
}
