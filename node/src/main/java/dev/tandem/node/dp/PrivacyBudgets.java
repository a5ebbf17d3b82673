package dev.tandem.node.dp;

import java.util.Map;

/** A node's privacy budgets: one per purpose, and one for purposes it does not name. */
public record PrivacyBudgets(PrivacyBudget defaultBudget, Map<String, PrivacyBudget> byPurpose) {
  public static final PrivacyBudgets DEFAULT = new PrivacyBudgets(PrivacyBudget.DEFAULT, Map.of());

  public PrivacyBudgets {
    if (defaultBudget == null) {
      throw new IllegalArgumentException("a default privacy budget must be set");
    }
    byPurpose = Map.copyOf(byPurpose);
  }

  public PrivacyBudget forPurpose(String purpose) {
    return byPurpose.getOrDefault(purpose, defaultBudget);
  }
}
