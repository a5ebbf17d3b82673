package dev.tandem.crypto.dp;

/**
 * Per-example L2 clipping of gradients for DP-SGD: scales each gradient down to norm at most C.
 *
 * <p>A gradient with norm above C is multiplied by about C / norm (nudged down by an ulp or two
 * when rounding would leave it above C), so after clipping its norm, as {@link #l2Norm} computes
 * it, is at most C; a gradient already within C is left untouched (factor 1). Stateless; the
 * arrays passed in are modified in place and must not be shared with other threads meanwhile.
 */
public final class PerExampleClipping {

  private static final int MAX_NUDGES = 8;
  private static final double SMALL = 0x1p-500;
  private static final double LARGE = 0x1p+500;

  private PerExampleClipping() {
  }

  /**
   * Clips {@code grad} to L2 norm at most {@code maxNorm}, in place.
   *
   * @return the factor the gradient was multiplied by, in (0, 1] (0 only if the norm overflows)
   * @throws IllegalArgumentException if maxNorm is not finite and &gt; 0, or grad holds NaN or infinity
   */
  public static double clipInPlace(double[] grad, double maxNorm) {
    checkMaxNorm(maxNorm);
    checkFinite(grad, 0, grad.length, -1);
    return clipRange(grad, 0, grad.length, maxNorm);
  }

  /**
   * Clips every row of {@code grads} to L2 norm at most {@code maxNorm}, in place.
   *
   * @return the factor each row was multiplied by
   * @throws IllegalArgumentException if maxNorm is not finite and &gt; 0, or a row holds NaN or infinity
   */
  public static double[] clipRowsInPlace(double[][] grads, double maxNorm) {
    checkMaxNorm(maxNorm);
    for (int r = 0; r < grads.length; r++) {
      checkFinite(grads[r], 0, grads[r].length, r);
    }
    double[] factors = new double[grads.length];
    for (int r = 0; r < grads.length; r++) {
      factors[r] = clipRange(grads[r], 0, grads[r].length, maxNorm);
    }
    return factors;
  }

  /**
   * Clips every row of a row-major {@code rows x (flat.length / rows)} matrix to L2 norm at
   * most {@code maxNorm}, in place.
   *
   * @return the factor each row was multiplied by
   * @throws IllegalArgumentException if rows &lt; 1 or does not divide flat.length, maxNorm is not
   *                                  finite and &gt; 0, or flat holds NaN or infinity
   */
  public static double[] clipRowsInPlace(double[] flat, int rows, double maxNorm) {
    if (rows < 1 || flat.length % rows != 0) {
      throw new IllegalArgumentException("rows must be >= 1 and divide the array length "
          + flat.length + ", got " + rows);
    }
    checkMaxNorm(maxNorm);
    int width = flat.length / rows;
    for (int r = 0; r < rows; r++) {
      checkFinite(flat, r * width, (r + 1) * width, r);
    }
    double[] factors = new double[rows];
    for (int r = 0; r < rows; r++) {
      factors[r] = clipRange(flat, r * width, (r + 1) * width, maxNorm);
    }
    return factors;
  }

  /** The L2 norm of {@code v}, without overflow or underflow for finite entries. */
  public static double l2Norm(double[] v) {
    return norm(v, 0, v.length);
  }

  private static double clipRange(double[] v, int from, int to, double maxNorm) {
    double norm = norm(v, from, to);
    if (norm <= maxNorm) {
      return 1;
    }
    double factor = 1;
    for (int k = 0; k < MAX_NUDGES && norm > maxNorm; k++) {
      double s = k == 0 ? maxNorm / norm : Math.nextDown(maxNorm / norm);
      for (int i = from; i < to; i++) {
        v[i] *= s;
      }
      factor *= s;
      norm = norm(v, from, to);
    }
    if (norm > maxNorm) {
      throw new ArithmeticException("could not clip a gradient of norm " + norm + " to " + maxNorm);
    }
    return factor;
  }

  static double norm(double[] v, int from, int to) {
    double sum = 0;
    double maxAbs = 0;
    for (int i = from; i < to; i++) {
      double x = v[i];
      sum += x * x;
      maxAbs = Math.max(maxAbs, Math.abs(x));
    }
    if (maxAbs == 0) {
      return 0;
    }
    if (maxAbs > SMALL && maxAbs < LARGE) {
      return Math.sqrt(sum);
    }
    // Rescale by a power of two (exact) so squares neither overflow nor underflow.
    int exponent = Math.getExponent(maxAbs);
    double down = Math.scalb(1.0, -exponent);
    double scaled = 0;
    for (int i = from; i < to; i++) {
      double x = v[i] * down;
      scaled += x * x;
    }
    return Math.scalb(Math.sqrt(scaled), exponent);
  }

  private static void checkMaxNorm(double maxNorm) {
    if (!(maxNorm > 0) || Double.isInfinite(maxNorm)) {
      throw new IllegalArgumentException("maxNorm must be finite and > 0, got " + maxNorm);
    }
  }

  private static void checkFinite(double[] v, int from, int to, int row) {
    for (int i = from; i < to; i++) {
      if (!Double.isFinite(v[i])) {
        throw new IllegalArgumentException("gradient " + (row >= 0 ? "row " + row + " " : "")
            + "holds a non-finite value " + v[i] + " at index " + (i - from));
      }
    }
  }
}
