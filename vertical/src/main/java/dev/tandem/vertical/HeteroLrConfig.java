package dev.tandem.vertical;

/**
 * The training settings every party of one encrypted-gradient logistic regression shares.
 *
 * <p>{@code featureBits} and {@code scoreBits} are the fractional bits of the fixed-point encodings
 * of feature values (the scalars of the encrypted matrix-vector products) and of scores and
 * residuals (the encrypted values); gradients come out with {@code featureBits + scoreBits}.
 *
 * @param batchSize rows per mini-batch, at least 1
 * @param learningRate step size, finite and positive
 * @param l2 L2 penalty on the weights (not on the intercept), finite and non-negative
 * @param featureBits fractional bits of a feature value, 4 to 24
 * @param scoreBits fractional bits of a score or residual, 8 to 32
 * @param seed seeds the batch order, which all parties must share
 */
public record HeteroLrConfig(int batchSize, double learningRate, double l2, int featureBits, int scoreBits, long seed) {

  /** Fractional bits of feature values unless set otherwise. */
  public static final int DEFAULT_FEATURE_BITS = 8;
  /** Fractional bits of scores and residuals unless set otherwise. */
  public static final int DEFAULT_SCORE_BITS = 16;

  public HeteroLrConfig {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
    }
    if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
      throw new IllegalArgumentException("learningRate must be finite and > 0, got " + learningRate);
    }
    if (!(l2 >= 0) || !Double.isFinite(l2)) {
      throw new IllegalArgumentException("l2 must be finite and >= 0, got " + l2);
    }
    if (featureBits < 4 || featureBits > 24) {
      throw new IllegalArgumentException("featureBits must be in [4, 24], got " + featureBits);
    }
    if (scoreBits < 8 || scoreBits > 32) {
      throw new IllegalArgumentException("scoreBits must be in [8, 32], got " + scoreBits);
    }
  }

  /** Settings with the default fixed-point precision. */
  public static HeteroLrConfig of(int batchSize, double learningRate, double l2, long seed) {
    return new HeteroLrConfig(batchSize, learningRate, l2, DEFAULT_FEATURE_BITS, DEFAULT_SCORE_BITS, seed);
  }
}
