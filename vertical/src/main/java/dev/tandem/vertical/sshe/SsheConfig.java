package dev.tandem.vertical.sshe;

/**
 * Training settings of secret-shared logistic regression, the same at every party.
 *
 * @param batchSize rows per mini-batch (batches are fixed for the job; see {@link FixedBatches})
 * @param learningRate step size, in (0, 10]
 * @param l2 L2 penalty on every weight but the intercept, in [0, 1)
 * @param seed the job's seed for the batch schedule
 */
public record SsheConfig(int batchSize, double learningRate, double l2, long seed) {
  /** Fractional bits of encoded features; features are clipped to |x| &lt; 2^(15 - FEATURE_BITS). */
  public static final int FEATURE_BITS = 8;
  /** Fractional bits of weights. */
  public static final int WEIGHT_BITS = 16;
  /** Fractional bits of the update's constants (learning rate over batch size, decay). */
  static final int CONSTANT_BITS = 24;
  /** Magnitude bits of an encoded feature. */
  static final int FEATURE_MAGNITUDE_BITS = 15;

  public SsheConfig {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
    }
    if (!(learningRate > 0 && learningRate <= 10)) {
      throw new IllegalArgumentException("learningRate must be in (0, 10], got " + learningRate);
    }
    if (!(l2 >= 0 && l2 < 1)) {
      throw new IllegalArgumentException("l2 must be in [0, 1), got " + l2);
    }
  }

  /** Returns the encoded feature: round(x 2^8), clipped to [-(2^15 - 1), 2^15 - 1]. */
  static int encodeFeature(double x) {
    if (!Double.isFinite(x)) {
      throw new IllegalArgumentException("feature value " + x + " is not finite");
    }
    long v = Math.round(Math.scalb(x, FEATURE_BITS));
    long max = (1L << FEATURE_MAGNITUDE_BITS) - 1;
    return (int) Math.max(-max, Math.min(max, v));
  }
}
