package dev.tandem.node.policy;

/**
 * The differential privacy a purpose demands of every horizontal job, whatever the job asks.
 *
 * @param required a job without a {@code dp} section is declined
 * @param maxEpsilonPerJob the most one job may spend at this site, at the purpose budget's delta;
 *     {@code +infinity} when only the purpose's budget bounds it
 * @param minNoiseMultiplier the smallest noise multiplier a job may ask for; 0 when any is accepted
 * @throws IllegalArgumentException from the constructor naming the bad value
 */
public record DpRule(boolean required, double maxEpsilonPerJob, double minNoiseMultiplier) {
  /** Not required, no per-job cap, any noise multiplier. */
  public static final DpRule OPTIONAL = new DpRule(false, Double.POSITIVE_INFINITY, 0);

  public DpRule {
    if (!(maxEpsilonPerJob > 0)) {
      throw new IllegalArgumentException("dp.maxEpsilonPerJob must be > 0, got " + maxEpsilonPerJob);
    }
    if (!(minNoiseMultiplier >= 0) || !Double.isFinite(minNoiseMultiplier)) {
      throw new IllegalArgumentException("dp.minNoiseMultiplier must be finite and >= 0, got " + minNoiseMultiplier);
    }
  }

  /** This rule with DP required or not. */
  public DpRule withRequired(boolean r) {
    return new DpRule(r, maxEpsilonPerJob, minNoiseMultiplier);
  }
}
