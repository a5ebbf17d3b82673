package dev.tandem.node.agent;

import java.util.Objects;

/**
 * Why the node declines a task: a status code name chosen for the coordinator and a reason a person
 * can act on (it holds no subject id).
 *
 * @param code e.g. {@code PERMISSION_DENIED}, {@code FAILED_PRECONDITION}, {@code RESOURCE_EXHAUSTED}
 * @param epsilonLeft what is left of the purpose's privacy budget (0 unless the budget refused)
 */
record Refusal(String code, String reason, double epsilonLeft) {
  Refusal {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(reason, "reason");
  }

  /** A role, consent or policy refusal: PERMISSION_DENIED. */
  static Refusal permission(String reason) {
    return new Refusal("PERMISSION_DENIED", reason, 0);
  }

  /** A precondition of the task does not hold: FAILED_PRECONDITION. */
  static Refusal precondition(String reason) {
    return new Refusal("FAILED_PRECONDITION", reason, 0);
  }
}
