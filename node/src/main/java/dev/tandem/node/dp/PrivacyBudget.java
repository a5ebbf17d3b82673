package dev.tandem.node.dp;

/** The most a node lets one purpose spend of its records' privacy, as (epsilon, delta). */
public record PrivacyBudget(double epsilon, double delta) {
  /** Used for a purpose the node's configuration gives no budget. */
  public static final PrivacyBudget DEFAULT = new PrivacyBudget(10, 1e-5);

  public PrivacyBudget {
    if (!(epsilon > 0) || !Double.isFinite(epsilon)) {
      throw new IllegalArgumentException("budget epsilon must be finite and > 0, got " + epsilon);
    }
    if (!(delta > 0 && delta < 1)) {
      throw new IllegalArgumentException("budget delta must be in (0, 1), got " + delta);
    }
  }
}
