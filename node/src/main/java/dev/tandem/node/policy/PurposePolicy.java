package dev.tandem.node.policy;

import java.util.Objects;
import java.util.Set;

/**
 * What this site requires of every job for one purpose, whatever the job says.
 *
 * @param secureAggregation a horizontal job must combine updates by secure aggregation
 * @param minTrainingCohort the fewest consented training records a statistics or training answer
 *     comes from (at least 1); also the floor of a vertical job's consented and aligned records
 * @param minEvaluationCohort the fewest consented held-out records an evaluation comes from, at least
 *     {@code minTrainingCohort}
 * @param minPaillierBits the smallest Paillier modulus a vertical job may use (1024, 2048 or 3072); the
 *     {@code vertical} section's floor applies too
 * @param columns the only columns a job may name as a feature or the label; empty: any column
 * @param partners the only other sites a job may include; empty: any site the consent policy accepts
 * @param dp the differential privacy required
 * @throws IllegalArgumentException from the constructor naming the bad value
 */
public record PurposePolicy(boolean secureAggregation, int minTrainingCohort, int minEvaluationCohort,
    int minPaillierBits, Set<String> columns, Set<String> partners, DpRule dp) {

  /** The Paillier moduli a vertical job may name. */
  public static final Set<Integer> KEY_BITS = Set.of(1024, 2048, 3072);

  public PurposePolicy {
    if (minTrainingCohort < 1) {
      throw new IllegalArgumentException("minTrainingCohort must be at least 1, got " + minTrainingCohort);
    }
    if (minEvaluationCohort < minTrainingCohort) {
      throw new IllegalArgumentException("minEvaluationCohort must be at least minTrainingCohort ("
          + minTrainingCohort + "), got " + minEvaluationCohort
          + ": a smaller held-out set says more about each of its records");
    }
    if (!KEY_BITS.contains(minPaillierBits)) {
      throw new IllegalArgumentException("minPaillierBits must be one of 1024, 2048, 3072, got " + minPaillierBits);
    }
    columns = Set.copyOf(columns);
    partners = Set.copyOf(partners);
    Objects.requireNonNull(dp, "dp");
  }

  /** Whether a job for this purpose may name {@code column} as a feature or the label. */
  public boolean allowsColumn(String column) {
    return columns.isEmpty() || columns.contains(column);
  }

  /** This policy with another DP rule. */
  public PurposePolicy withDp(DpRule rule) {
    return new PurposePolicy(secureAggregation, minTrainingCohort, minEvaluationCohort, minPaillierBits, columns,
        partners, rule);
  }

  /** This policy with secure aggregation required or not. */
  public PurposePolicy withSecureAggregation(boolean required) {
    return new PurposePolicy(required, minTrainingCohort, minEvaluationCohort, minPaillierBits, columns, partners,
        dp);
  }

  /** This policy allowing only {@code allowed} columns (empty: any). */
  public PurposePolicy withColumns(Set<String> allowed) {
    return new PurposePolicy(secureAggregation, minTrainingCohort, minEvaluationCohort, minPaillierBits, allowed,
        partners, dp);
  }

  /** This policy with other cohort floors. */
  public PurposePolicy withCohorts(int training, int evaluation) {
    return new PurposePolicy(secureAggregation, training, evaluation, minPaillierBits, columns, partners, dp);
  }
}
