package dev.tandem.node.privacy;

/**
 * How much record-level privacy a node lets one purpose spend in total: (epsilon, delta).
 *
 * @param epsilon finite and &gt;= 0 (0 allows no DP training at all)
 * @param delta   in (0, 1); spending is accounted at this delta whatever delta a job asks for
 * @throws IllegalArgumentException from the constructor when a value is out of range
 */
public record PrivacyBudget(double epsilon, double delta) {

  /** The budget of a purpose the configuration does not name: epsilon 10 at delta 1e-5. */
  public static final PrivacyBudget DEFAULT = new PrivacyBudget(10, 1e-5);

  public PrivacyBudget {
    if (!(epsilon >= 0) || !Double.isFinite(epsilon)) {
      throw new IllegalArgumentException("privacy budget epsilon must be finite and >= 0, got " + epsilon);
    }
    if (!(delta > 0 && delta < 1)) {
      throw new IllegalArgumentException("privacy budget delta must be in (0, 1), got " + delta);
    }
  }
}
