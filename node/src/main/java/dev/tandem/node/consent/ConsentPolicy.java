package dev.tandem.node.consent;

import java.util.Set;

/**
 * What a node agrees to take part in: the purposes it serves, the partner sites it accepts in a
 * job (empty: any site of the federation), and the fewest consented records it will contribute
 * from.
 */
public record ConsentPolicy(Set<String> purposes, Set<String> partners, int minCohort) {
  /** The floor when the configuration names none. */
  public static final int DEFAULT_MIN_COHORT = 20;

  public ConsentPolicy {
    purposes = Set.copyOf(purposes);
    purposes.forEach(Purposes::check);
    partners = Set.copyOf(partners);
    if (minCohort < 1) {
      throw new IllegalArgumentException("consent.minCohort must be at least 1, got " + minCohort);
    }
  }

  /** A node that serves no purpose: every job is refused until the configuration names some. */
  public static ConsentPolicy servingNothing() {
    return new ConsentPolicy(Set.of(), Set.of(), DEFAULT_MIN_COHORT);
  }
}
