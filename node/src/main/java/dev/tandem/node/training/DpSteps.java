package dev.tandem.node.training;

import dev.tandem.crypto.dp.PrivacySpent;
import dev.tandem.crypto.dp.RdpAccountant;

/**
 * The privacy cost of one DP-SGD training call: {@code steps} steps of the Poisson-subsampled Gaussian
 * mechanism with sampling rate {@code samplingRate} and noise multiplier {@code noiseMultiplier}, as
 * the job asked for it at {@code delta}.
 *
 * @throws IllegalArgumentException from the constructor when the sampling rate is not in (0, 1], the
 *     noise multiplier is not finite and &gt; 0, steps is negative or delta is not in (0, 1)
 */
public record DpSteps(double samplingRate, double noiseMultiplier, long steps, double delta) {

  public DpSteps {
    if (!(samplingRate > 0 && samplingRate <= 1)) {
      throw new IllegalArgumentException("samplingRate must be in (0, 1], got " + samplingRate);
    }
    if (!(noiseMultiplier > 0) || !Double.isFinite(noiseMultiplier)) {
      throw new IllegalArgumentException("noiseMultiplier must be finite and > 0, got " + noiseMultiplier);
    }
    if (steps < 0) {
      throw new IllegalArgumentException("steps must be >= 0, got " + steps);
    }
    if (!(delta > 0 && delta < 1)) {
      throw new IllegalArgumentException("delta must be in (0, 1), got " + delta);
    }
  }

  /** {@code accountant} with these steps composed on top (a new accountant). */
  public RdpAccountant composeInto(RdpAccountant accountant) {
    return accountant.compose(samplingRate, noiseMultiplier, steps);
  }

  /** What these steps alone spend at this record's delta. */
  public PrivacySpent spent() {
    return spent(delta);
  }

  /**
   * What these steps alone spend at {@code delta}.
   *
   * @throws IllegalArgumentException when delta is not in (0, 1)
   */
  public PrivacySpent spent(double atDelta) {
    return composeInto(RdpAccountant.empty()).spent(atDelta);
  }
}
