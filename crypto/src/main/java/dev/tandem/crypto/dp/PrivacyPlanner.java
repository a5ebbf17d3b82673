package dev.tandem.crypto.dp;

/**
 * Plans DP-SGD runs with the {@link RdpAccountant}: epsilon for a noise multiplier, or the
 * smallest noise multiplier for a target epsilon.
 *
 * <p>Stateless and thread-safe.
 */
public final class PrivacyPlanner {

  /** The noise multiplier search stops when hi / lo &lt;= 1 + this. */
  public static final double RELATIVE_TOLERANCE = 1e-3;
  /** Smallest noise multiplier {@link #noiseMultiplierFor} returns. */
  public static final double MIN_NOISE_MULTIPLIER = 1e-3;
  /** Largest noise multiplier {@link #noiseMultiplierFor} tries before calling a target unreachable. */
  public static final double MAX_NOISE_MULTIPLIER = 1e6;

  private PrivacyPlanner() {
  }

  /**
   * Epsilon after {@code steps} steps of the sampled Gaussian mechanism.
   *
   * @param q     Poisson sampling rate in [0, 1]
   * @param sigma noise multiplier, finite and &gt;= 0
   * @param steps &gt;= 0
   * @param delta in (0, 1)
   * @return epsilon &gt;= 0, +infinity when sigma == 0 and q &gt; 0 and steps &gt; 0
   * @throws IllegalArgumentException if an argument is outside its range
   */
  public static double epsilon(double q, double sigma, long steps, double delta) {
    return RdpAccountant.empty().compose(q, sigma, steps).spent(delta).epsilon();
  }

  /** Epsilon of {@code base} composed with {@code steps} steps of the sampled Gaussian mechanism. */
  private static double epsilon(RdpAccountant base, double q, double sigma, long steps, double delta) {
    return base.compose(q, sigma, steps).spent(delta).epsilon();
  }

  /**
   * As {@link #noiseMultiplierFor(double, double, long, double)}, for a training that comes on top of
   * {@code base} (for example a job's released statistics and evaluation): the smallest sigma with
   * {@code base + steps steps at (q, sigma)} within {@code targetEpsilon}.
   *
   * @throws IllegalArgumentException as the four-argument form, or when {@code base} alone spends the target
   */
  public static double noiseMultiplierFor(double targetEpsilon, double q, long steps, double delta,
      RdpAccountant base) {
    java.util.Objects.requireNonNull(base, "base");
    if (base.spent(delta).epsilon() >= targetEpsilon) {
      throw new IllegalArgumentException("target epsilon " + targetEpsilon + " is unreachable: what comes"
          + " before the training already spends " + base.spent(delta).epsilon());
    }
    return search(targetEpsilon, q, steps, delta, base);
  }

  /**
   * The smallest noise multiplier sigma with {@code epsilon(q, sigma, steps, delta) <= targetEpsilon}.
   *
   * <p>Found by bisection on log(sigma) within [{@value #MIN_NOISE_MULTIPLIER},
   * {@value #MAX_NOISE_MULTIPLIER}]: the result always meets the target and is within a factor
   * 1 + {@value #RELATIVE_TOLERANCE} of the exact smallest sigma. Returns 0 when q == 0 or
   * steps == 0 (nothing is spent), and {@value #MIN_NOISE_MULTIPLIER} when even that meets the
   * target. However large sigma is, the RDP-to-DP conversion never certifies less than its floor
   * (about 0.0083 at delta 1e-5 with the default orders), so smaller targets are unreachable.
   *
   * @param targetEpsilon finite and &gt; 0
   * @param q             Poisson sampling rate in [0, 1]
   * @param steps         &gt;= 0
   * @param delta         in (0, 1)
   * @throws IllegalArgumentException if an argument is outside its range, or if the target
   *                                  cannot be met with any noise multiplier up to
   *                                  {@value #MAX_NOISE_MULTIPLIER}
   */
  public static double noiseMultiplierFor(double targetEpsilon, double q, long steps, double delta) {
    if (!(targetEpsilon > 0) || Double.isInfinite(targetEpsilon)) {
      throw new IllegalArgumentException("target epsilon must be finite and > 0, got " + targetEpsilon);
    }
    if (!(q >= 0 && q <= 1)) {
      throw new IllegalArgumentException("sampling rate q must be in [0, 1], got " + q);
    }
    if (steps < 0) {
      throw new IllegalArgumentException("steps must be >= 0, got " + steps);
    }
    if (!(delta > 0 && delta < 1)) {
      throw new IllegalArgumentException("delta must be in (0, 1), got " + delta);
    }
    return search(targetEpsilon, q, steps, delta, RdpAccountant.empty());
  }

  private static double search(double targetEpsilon, double q, long steps, double delta, RdpAccountant base) {
    if (!(targetEpsilon > 0) || Double.isInfinite(targetEpsilon)) {
      throw new IllegalArgumentException("target epsilon must be finite and > 0, got " + targetEpsilon);
    }
    if (!(q >= 0 && q <= 1)) {
      throw new IllegalArgumentException("sampling rate q must be in [0, 1], got " + q);
    }
    if (steps < 0) {
      throw new IllegalArgumentException("steps must be >= 0, got " + steps);
    }
    if (q == 0 || steps == 0) {
      return 0;
    }
    double ceiling = epsilon(base, q, MAX_NOISE_MULTIPLIER, steps, delta);
    if (ceiling > targetEpsilon) {
      throw new IllegalArgumentException("target epsilon " + targetEpsilon + " is unreachable at delta "
          + delta + " with q = " + q + " over " + steps + " steps: even noise multiplier "
          + MAX_NOISE_MULTIPLIER + " gives epsilon " + ceiling);
    }
    if (epsilon(base, q, MIN_NOISE_MULTIPLIER, steps, delta) <= targetEpsilon) {
      return MIN_NOISE_MULTIPLIER;
    }
    // Bracket: eps(lo) > target >= eps(hi); epsilon is non-increasing in sigma.
    double lo = MIN_NOISE_MULTIPLIER;
    double hi = MAX_NOISE_MULTIPLIER;
    double guess = 1;
    if (epsilon(base, q, guess, steps, delta) <= targetEpsilon) {
      hi = guess;
      for (double s = guess / 2; s > lo; s /= 2) {
        if (epsilon(base, q, s, steps, delta) > targetEpsilon) {
          lo = s;
          break;
        }
        hi = s;
      }
    } else {
      lo = guess;
      for (double s = guess * 2; s < hi; s *= 2) {
        if (epsilon(base, q, s, steps, delta) <= targetEpsilon) {
          hi = s;
          break;
        }
        lo = s;
      }
    }
    while (hi / lo > 1 + RELATIVE_TOLERANCE) {
      double mid = Math.sqrt(lo * hi);
      if (epsilon(base, q, mid, steps, delta) <= targetEpsilon) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
    return hi;
  }
}
