package dev.tandem.node.privacy;

import java.util.Map;
import java.util.Objects;

/**
 * A node's privacy budgets: one per named purpose, and a default for every other purpose. There is
 * no unlimited budget: a null {@code defaultBudget} means {@link PrivacyBudget#DEFAULT} (epsilon 10 at
 * delta 1e-5). The map is copied and unmodifiable.
 *
 * @throws IllegalArgumentException from the constructor when a purpose is blank
 * @throws NullPointerException from the constructor when the map, a key or a value is null
 */
public record PrivacyBudgets(PrivacyBudget defaultBudget, Map<String, PrivacyBudget> byPurpose) {

  public PrivacyBudgets {
    defaultBudget = defaultBudget == null ? PrivacyBudget.DEFAULT : defaultBudget;
    Objects.requireNonNull(byPurpose, "byPurpose");
    for (Map.Entry<String, PrivacyBudget> e : byPurpose.entrySet()) {
      Objects.requireNonNull(e.getKey(), "purpose");
      Objects.requireNonNull(e.getValue(), "budget of purpose '" + e.getKey() + "'");
      if (e.getKey().isBlank()) {
        throw new IllegalArgumentException("a privacy budget's purpose must not be blank");
      }
    }
    byPurpose = Map.copyOf(byPurpose);
  }

  /** {@link PrivacyBudget#DEFAULT} for every purpose. */
  public static PrivacyBudgets defaults() {
    return new PrivacyBudgets(PrivacyBudget.DEFAULT, Map.of());
  }

  /** The budget of {@code purpose}: its own if configured, else the default. */
  public PrivacyBudget forPurpose(String purpose) {
    Objects.requireNonNull(purpose, "purpose");
    return byPurpose.getOrDefault(purpose, defaultBudget);
  }
}
