package dev.tandem.crypto.dp;

/**
 * An (epsilon, delta) differential-privacy guarantee and the RDP order that gave it.
 *
 * @param epsilon      &gt;= 0, +infinity when no order gives a finite bound
 * @param delta        in (0, 1)
 * @param optimalOrder the Renyi order alpha &gt; 1 that minimised epsilon; NaN when epsilon is
 *                     infinite, or 0 because nothing was spent
 */
public record PrivacySpent(double epsilon, double delta, double optimalOrder) {

  /**
   * Validates the guarantee.
   *
   * @throws IllegalArgumentException if a value is outside the ranges above
   */
  public PrivacySpent {
    if (Double.isNaN(epsilon) || epsilon < 0) {
      throw new IllegalArgumentException("epsilon must be >= 0, got " + epsilon);
    }
    if (!(delta > 0 && delta < 1)) {
      throw new IllegalArgumentException("delta must be in (0, 1), got " + delta);
    }
    if (Double.isInfinite(epsilon)) {
      if (!Double.isNaN(optimalOrder)) {
        throw new IllegalArgumentException("optimalOrder must be NaN when epsilon is infinite, got "
            + optimalOrder);
      }
    } else if (!(epsilon == 0 && Double.isNaN(optimalOrder))
        && (!(optimalOrder > 1) || Double.isInfinite(optimalOrder))) {
      throw new IllegalArgumentException("optimalOrder must be a finite order > 1, got " + optimalOrder);
    }
  }
}
