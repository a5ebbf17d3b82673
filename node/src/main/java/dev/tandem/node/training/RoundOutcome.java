package dev.tandem.node.training;

import java.util.Objects;

/** What came of one round of local training: a result to send, or a refusal to train at all. */
public sealed interface RoundOutcome permits RoundOutcome.Trained, RoundOutcome.Refused {

  /**
   * What this site has spent of its privacy budget on a job, as reported with its update.
   *
   * @param differentiallyPrivate whether the round was trained under differential privacy (the audit
   *     then records {@code epsilon})
   */
  record Spent(double epsilon, double delta, boolean differentiallyPrivate) {
    /** Nothing: a round without differential privacy. */
    public static final Spent NONE = new Spent(0, 0, false);

    public Spent {
      if (!(epsilon >= 0) || !(delta >= 0)) {
        throw new IllegalArgumentException("spent epsilon and delta must be >= 0, got " + epsilon + ", " + delta);
      }
    }

    /** The epsilon the audit records: null without differential privacy. */
    public Double auditedEpsilon() {
      return differentiallyPrivate ? epsilon : null;
    }
  }

  /** A trained round: what to send and what it cost. */
  record Trained(TrainResult result, Spent spent) implements RoundOutcome {
    public Trained {
      Objects.requireNonNull(result, "result");
      Objects.requireNonNull(spent, "spent");
    }
  }

  /**
   * A round the node will not train.
   *
   * @param code a status code name, e.g. {@code RESOURCE_EXHAUSTED}
   * @param reason what a person can act on; names the rule
   * @param epsilonLeft what is left of the purpose's budget
   */
  record Refused(String code, String reason, double epsilonLeft) implements RoundOutcome {
    public Refused {
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(reason, "reason");
    }
  }
}
