package dev.tandem.node.privacy;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Whether a purpose can afford one more DP training call: the epsilon it has spent and the epsilon it
 * would have spent after the call, both at the budget's delta.
 *
 * @param epsilonSpent &gt;= 0
 * @param epsilonAfter &gt;= 0, +infinity allowed
 * @throws IllegalArgumentException from the constructor when the purpose is blank or an epsilon is
 *     negative or NaN
 */
public record BudgetCheck(String purpose, PrivacyBudget budget, double epsilonSpent, double epsilonAfter) {

  public BudgetCheck {
    Objects.requireNonNull(purpose, "purpose");
    Objects.requireNonNull(budget, "budget");
    if (purpose.isBlank()) {
      throw new IllegalArgumentException("purpose must not be blank");
    }
    if (!(epsilonSpent >= 0)) {
      throw new IllegalArgumentException("epsilonSpent must be >= 0, got " + epsilonSpent);
    }
    if (!(epsilonAfter >= 0)) {
      throw new IllegalArgumentException("epsilonAfter must be >= 0, got " + epsilonAfter);
    }
  }

  /** True when the call keeps the purpose within its budget. */
  public boolean allowed() {
    return epsilonAfter <= budget.epsilon();
  }

  /** The epsilon the purpose has left before the call, at the budget's delta (never negative). */
  public double epsilonLeft() {
    return Math.max(0, budget.epsilon() - epsilonSpent);
  }

  /**
   * Why the call is refused, for the coordinator and the node's operator; empty when allowed. For
   * example {@code privacy budget of purpose 'churn' would reach epsilon 8.31 > 8.00 at delta 1e-05
   * (1.42 left)}.
   */
  public Optional<String> refusal() {
    if (allowed()) {
      return Optional.empty();
    }
    int digits = 2;
    while (digits < 6 && format(epsilonAfter, digits).equals(format(budget.epsilon(), digits))) {
      digits++;
    }
    return Optional.of("privacy budget of purpose '" + purpose + "' would reach epsilon "
        + format(epsilonAfter, digits) + " > " + format(budget.epsilon(), digits) + " at delta "
        + formatDelta(budget.delta()) + " (" + format(epsilonLeft(), 2) + " left)");
  }

  private static String format(double epsilon, int digits) {
    return Double.isInfinite(epsilon) ? "infinity" : String.format(Locale.ROOT, "%." + digits + "f", epsilon);
  }

  /** The shortest of 1e-05, 1.5e-05, ... that reads back as {@code delta}. */
  static String formatDelta(double delta) {
    for (int digits = 0; digits < 17; digits++) {
      String s = String.format(Locale.ROOT, "%." + digits + "e", delta);
      if (Double.parseDouble(s) == delta) {
        return s;
      }
    }
    return Double.toString(delta);
  }
}
