package dev.tandem.node.consent;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

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

  /**
   * Why {@code site} will not work for {@code purpose} alongside {@code sites}: the purpose is not
   * one it serves, or another site is not a partner it accepts (an empty partner set accepts every
   * site). The message names the site, the purpose and the strangers.
   */
  public Optional<String> refusal(String site, String purpose, Collection<String> sites) {
    if (!purposes.contains(purpose)) {
      return Optional.of("site '" + site + "' does not serve purpose '" + purpose + "' (it serves "
          + (purposes.isEmpty() ? "none" : new TreeSet<>(purposes).toString()) + ")");
    }
    if (!partners.isEmpty()) {
      List<String> strangers = new ArrayList<>();
      for (String s : sites) {
        if (!s.equals(site) && !partners.contains(s)) {
          strangers.add(s);
        }
      }
      if (!strangers.isEmpty()) {
        return Optional.of("site '" + site + "' does not accept partner(s) " + strangers + " for purpose '"
            + purpose + "'");
      }
    }
    return Optional.empty();
  }
}
