package dev.tandem.crypto.dp;

/**
 * Log-space arithmetic and special functions for the RDP accountant.
 *
 * <p>Pure functions of doubles; thread-safe. The JDK has neither {@code lgamma} nor {@code erfc},
 * so both are written here: a Lanczos log-gamma (about 1e-15 absolute error near its zeros,
 * 1e-14 relative elsewhere) and log(erfc) from its power series below {@value #CF_THRESHOLD}
 * and its continued fraction above, evaluated in log space so it never underflows.
 */
final class LogMath {

  /** Above this |x|, erfc(|x|) comes from the continued fraction instead of 1 - erf. */
  static final double CF_THRESHOLD = 1.5;

  private static final double LOG_PI = Math.log(Math.PI);
  private static final double HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);
  private static final double LOG_TWO = Math.log(2);
  private static final double TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

  // Lanczos approximation, g = 7, n = 9 (the coefficients Numerical Recipes and Boost cite).
  private static final double LANCZOS_G = 7;
  private static final double[] LANCZOS = {
    0.99999999999980993,
    676.5203681218851,
    -1259.1392167224028,
    771.32342877765313,
    -176.61502916214059,
    12.507343278686905,
    -0.13857109526572012,
    9.9843695780195716e-6,
    1.5056327351493116e-7,
  };

  private static final int MAX_SERIES_TERMS = 10_000;

  private LogMath() {
  }

  /** log(exp(x) + exp(y)); -infinity stands for zero. */
  static double logAdd(double x, double y) {
    double a = Math.min(x, y);
    double b = Math.max(x, y);
    if (a == Double.NEGATIVE_INFINITY) {
      return b;
    }
    return Math.log1p(Math.exp(a - b)) + b;
  }

  /**
   * log(exp(x) - exp(y)) for x &gt;= y; -infinity stands for zero.
   *
   * @throws ArithmeticException if x &lt; y (the difference would be negative)
   */
  static double logSub(double x, double y) {
    if (x < y) {
      throw new ArithmeticException("log-space subtraction would be negative: " + x + " < " + y);
    }
    if (y == Double.NEGATIVE_INFINITY) {
      return x;
    }
    if (x == y) {
      return Double.NEGATIVE_INFINITY;
    }
    double d = Math.expm1(x - y);
    if (Double.isInfinite(d)) {
      return x;
    }
    return Math.log(d) + y;
  }

  /**
   * log|Gamma(x)|; +infinity at the poles x = 0, -1, -2, ... and NaN for NaN.
   */
  static double logGamma(double x) {
    if (Double.isNaN(x)) {
      return Double.NaN;
    }
    if (x <= 0 && x == Math.rint(x)) {
      return Double.POSITIVE_INFINITY;
    }
    if (x == Double.POSITIVE_INFINITY) {
      return Double.POSITIVE_INFINITY;
    }
    if (x < 0.5) {
      // Reflection: Gamma(x) Gamma(1 - x) = pi / sin(pi x); sin evaluated on the
      // fractional part, which is exact, so large negative x keeps its accuracy.
      double frac = x - Math.floor(x);
      return LOG_PI - Math.log(Math.abs(Math.sin(Math.PI * frac))) - logGamma(1 - x);
    }
    if (x == 1 || x == 2) {
      return 0;
    }
    double z = x - 1;
    double sum = LANCZOS[0];
    for (int k = 1; k < LANCZOS.length; k++) {
      sum += LANCZOS[k] / (z + k);
    }
    double t = z + LANCZOS_G + 0.5;
    return HALF_LOG_TWO_PI + (z + 0.5) * Math.log(t) - t + Math.log(sum);
  }

  /**
   * log|C(alpha, i)|, the generalised binomial coefficient alpha (alpha - 1) ... (alpha - i + 1) / i!.
   *
   * @param alpha any real &gt;= 0
   * @param i     &gt;= 0
   * @return -infinity when the coefficient is zero (integer alpha, i &gt; alpha)
   */
  static double logAbsBinomial(double alpha, long i) {
    double top = alpha - i + 1;
    if (top <= 0 && top == Math.rint(top)) {
      return Double.NEGATIVE_INFINITY;
    }
    return logGamma(alpha + 1) - logGamma(i + 1.0) - logGamma(top);
  }

  /** Sign (+1 or -1) of C(alpha, i) for real alpha &gt;= 0 that is not an integer smaller than i. */
  static int binomialSign(double alpha, long i) {
    long negativeFactors = Math.max(0, i - (long) Math.floor(alpha) - 1);
    return (negativeFactors & 1) == 0 ? 1 : -1;
  }

  /** log(erfc(x)) for every real x, accurate to about 1e-14 relative (never underflows). */
  static double logErfc(double x) {
    if (Double.isNaN(x)) {
      return Double.NaN;
    }
    if (x >= CF_THRESHOLD) {
      return logErfcTail(x);
    }
    if (x > -CF_THRESHOLD) {
      double erf = erfSeries(Math.abs(x));
      return x >= 0 ? Math.log1p(-erf) : Math.log1p(erf);
    }
    // erfc(x) = 2 - erfc(-x) for x < 0.
    double tail = Math.exp(logErfcTail(-x));
    return LOG_TWO + Math.log1p(-tail / 2);
  }

  /** log(erfc(x)) for x &gt;= CF_THRESHOLD: -x^2 - log(pi)/2 + log(K(x)) with the continued fraction K. */
  private static double logErfcTail(double x) {
    if (x == Double.POSITIVE_INFINITY) {
      return Double.NEGATIVE_INFINITY;
    }
    // erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + (1/2)/(x + (2/2)/(x + (3/2)/(x + ...)))),
    // evaluated by the modified Lentz method.
    final double tiny = 1e-300;
    double f = tiny;
    double c = f;
    double d = 0;
    for (int n = 1; n <= MAX_SERIES_TERMS; n++) {
      double a = n == 1 ? 1 : (n - 1) / 2.0;
      d = x + a * d;
      if (d == 0) {
        d = tiny;
      }
      c = x + a / c;
      if (c == 0) {
        c = tiny;
      }
      d = 1 / d;
      double delta = c * d;
      f *= delta;
      if (Math.abs(delta - 1) <= 2 * Math.ulp(1.0)) {
        return -x * x - 0.5 * LOG_PI + Math.log(f);
      }
    }
    throw new ArithmeticException("erfc continued fraction did not converge at x = " + x);
  }

  /**
   * erf(x) for 0 &lt;= x &lt; CF_THRESHOLD from the series with positive terms only:
   * erf(x) = 2/sqrt(pi) exp(-x^2) sum_n 2^n x^(2n+1) / (1 * 3 * ... * (2n+1)).
   */
  private static double erfSeries(double x) {
    if (x == 0) {
      return 0;
    }
    double twoX2 = 2 * x * x;
    double term = x;
    double sum = x;
    for (int n = 0; n < MAX_SERIES_TERMS; n++) {
      term *= twoX2 / (2 * n + 3);
      sum += term;
      if (term < sum * 1e-17) {
        return TWO_OVER_SQRT_PI * Math.exp(-x * x) * sum;
      }
    }
    throw new ArithmeticException("erf series did not converge at x = " + x);
  }
}
