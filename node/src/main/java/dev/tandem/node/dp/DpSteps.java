package dev.tandem.node.dp;

/**
 * The privacy cost of one local training call: {@code steps} steps of the sampled Gaussian mechanism
 * with Poisson sampling rate {@code samplingRate} and noise multiplier {@code noiseMultiplier}.
 */
public record DpSteps(double samplingRate, double noiseMultiplier, long steps) {
  public DpSteps {
    if (!(samplingRate > 0 && samplingRate <= 1)) {
      throw new IllegalArgumentException("samplingRate must be in (0, 1], got " + samplingRate);
    }
    if (!(noiseMultiplier > 0) || steps < 1) {
      throw new IllegalArgumentException("noiseMultiplier must be > 0 and steps >= 1, got " + noiseMultiplier
          + ", " + steps);
    }
  }
}
