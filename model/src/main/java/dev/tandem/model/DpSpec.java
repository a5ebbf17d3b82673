package dev.tandem.model;

/**
 * Record-level differential privacy for a job: DP-SGD at every site with per-example gradients
 * clipped to {@code maxGradNorm} and Gaussian noise of standard deviation
 * {@code noiseMultiplier * maxGradNorm}, batches drawn by Poisson sampling.
 *
 * @throws IllegalArgumentException from the constructor when a value is out of range
 */
public record DpSpec(double noiseMultiplier, double maxGradNorm, double delta) {
  public DpSpec {
    if (!(noiseMultiplier > 0) || !Double.isFinite(noiseMultiplier)) {
      throw new IllegalArgumentException("dp.noiseMultiplier must be finite and > 0, got " + noiseMultiplier);
    }
    if (!(maxGradNorm > 0) || !Double.isFinite(maxGradNorm)) {
      throw new IllegalArgumentException("dp.maxGradNorm must be finite and > 0, got " + maxGradNorm);
    }
    if (!(delta > 0 && delta < 1)) {
      throw new IllegalArgumentException("dp.delta must be in (0, 1), got " + delta);
    }
  }
}
