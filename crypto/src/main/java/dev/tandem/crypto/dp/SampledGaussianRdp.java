package dev.tandem.crypto.dp;

/**
 * Renyi DP of one step of the Poisson-subsampled Gaussian mechanism, as Opacus
 * ({@code opacus/accountants/analysis/rdp.py}) and Google's {@code dp_accounting} compute it.
 *
 * <p>For 0 &lt; q &lt; 1 the RDP at order alpha is log(A_alpha) / (alpha - 1) with A_alpha of
 * Mironov, Talwar and Zhang 2019 (arXiv:1908.10530, Section 3.3): a finite binomial sum for
 * integer alpha, two series split at z0 = sigma^2 log(1/q - 1) + 1/2 for fractional alpha.
 * Pure functions; thread-safe.
 */
final class SampledGaussianRdp {

  /** Terms below e^-30 end the fractional series, as in both reference implementations. */
  private static final double SERIES_CUTOFF = -30;
  private static final int MAX_FRACTIONAL_TERMS = 1_000_000;
  private static final double LOG_HALF = Math.log(0.5);
  private static final double SQRT_TWO = Math.sqrt(2);
  /** Below this sigma (RDP above 1e199) the plain Gaussian bound alpha / (2 sigma^2) is used. */
  static final double TINY_SIGMA = 1e-100;
  /** Above this sigma (RDP below 1e-197) the plain Gaussian bound alpha / (2 sigma^2) is used. */
  static final double HUGE_SIGMA = 1e100;

  private SampledGaussianRdp() {
  }

  /**
   * RDP of one step at order {@code alpha}.
   *
   * <p>q == 0 gives 0, then sigma == 0 gives +infinity, then q == 1 gives alpha / (2 sigma^2)
   * exactly (the plain Gaussian mechanism), in the order Opacus tests them. Outside
   * [{@value #TINY_SIGMA}, {@value #HUGE_SIGMA}], where the series would lose sigma^2 to
   * underflow or overflow, the result is the plain Gaussian mechanism's alpha / (2 sigma^2), an
   * upper bound (subsampling only lowers RDP). Rounding that would make a vanishing RDP negative
   * is clamped to 0.
   *
   * @param q     sampling rate in [0, 1]
   * @param sigma noise multiplier &gt;= 0
   * @param alpha order &gt; 1
   */
  static double rdp(double q, double sigma, double alpha) {
    if (q == 0) {
      return 0;
    }
    if (sigma == 0) {
      return Double.POSITIVE_INFINITY;
    }
    if (q == 1) {
      return alpha / (2 * sigma * sigma);
    }
    if (alpha == Double.POSITIVE_INFINITY) {
      return Double.POSITIVE_INFINITY;
    }
    if (sigma < TINY_SIGMA || sigma > HUGE_SIGMA) {
      return alpha / (2 * sigma * sigma);
    }
    double logA = alpha == Math.rint(alpha)
        ? logAInteger(q, sigma, (int) alpha)
        : logAFractional(q, sigma, alpha);
    // RDP is never negative; log(A) can come out a few ulps below 0 when it is ~1e-20.
    return Math.max(0, logA / (alpha - 1));
  }

  /** log(A_alpha) for integer alpha &gt;= 2 and 0 &lt; q &lt; 1. */
  static double logAInteger(double q, double sigma, int alpha) {
    double logQ = Math.log(q);
    double log1mQ = Math.log1p(-q);
    double twoSigma2 = 2 * sigma * sigma;
    double logA = Double.NEGATIVE_INFINITY;
    for (int i = 0; i <= alpha; i++) {
      double logCoef = LogMath.logAbsBinomial(alpha, i) + i * logQ + (alpha - i) * log1mQ;
      double s = logCoef + ((double) i * i - i) / twoSigma2;
      logA = LogMath.logAdd(logA, s);
    }
    return logA;
  }

  /** log(A_alpha) for fractional alpha &gt; 1 and 0 &lt; q &lt; 1. */
  static double logAFractional(double q, double sigma, double alpha) {
    double logQ = Math.log(q);
    double log1mQ = Math.log1p(-q);
    double sigma2 = sigma * sigma;
    double twoSigma2 = 2 * sigma2;
    double sqrt2Sigma = SQRT_TWO * sigma;
    // The two halves of A_alpha, integrals over (-inf, z0] and [z0, +inf).
    double logA0 = Double.NEGATIVE_INFINITY;
    double logA1 = Double.NEGATIVE_INFINITY;
    double z0 = sigma2 * Math.log(1 / q - 1) + 0.5;
    for (int i = 0; i < MAX_FRACTIONAL_TERMS; i++) {
      double logCoef = LogMath.logAbsBinomial(alpha, i);
      int sign = LogMath.binomialSign(alpha, i);
      double j = alpha - i;

      double logT0 = logCoef + i * logQ + j * log1mQ;
      double logT1 = logCoef + j * logQ + i * log1mQ;

      double logE0 = LOG_HALF + LogMath.logErfc((i - z0) / sqrt2Sigma);
      double logE1 = LOG_HALF + LogMath.logErfc((z0 - j) / sqrt2Sigma);

      double logS0 = logT0 + ((double) i * i - i) / twoSigma2 + logE0;
      double logS1 = logT1 + (j * j - j) / twoSigma2 + logE1;

      if (sign > 0) {
        logA0 = LogMath.logAdd(logA0, logS0);
        logA1 = LogMath.logAdd(logA1, logS1);
      } else {
        logA0 = LogMath.logSub(logA0, logS0);
        logA1 = LogMath.logSub(logA1, logS1);
      }
      if (Math.max(logS0, logS1) < SERIES_CUTOFF) {
        return LogMath.logAdd(logA0, logA1);
      }
    }
    throw new ArithmeticException("RDP series did not converge for q = " + q
        + ", sigma = " + sigma + ", alpha = " + alpha);
  }
}
