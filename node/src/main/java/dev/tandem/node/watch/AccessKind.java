package dev.tandem.node.watch;

import java.util.Locale;

/** What an access to the node's records was for; counters are kept per partner, purpose and kind. */
public enum AccessKind {
  /** A horizontal job's training task. */
  TRAINING,
  /** A horizontal job's feature statistics. */
  STATISTICS,
  /** A horizontal job's evaluation. */
  EVALUATION,
  /** A secure-aggregation stage of a horizontal job. */
  SECURE_AGGREGATION,
  /** A partner's request for partial scores of subjects (vertical scoring). */
  SCORING,
  /** The audit export of the admin API. */
  AUDIT_EXPORT,
  /** A subject-access report of the admin API. */
  SUBJECT_EXPORT,
  /** Any other admin API call that reads or changes records. */
  ADMIN;

  /** Whether an access of this kind is an export of the admin API. */
  public boolean export() {
    return this == AUDIT_EXPORT || this == SUBJECT_EXPORT;
  }

  /** The kind of a horizontal task, by the name of its {@code Task.KindCase} (STATS, TRAIN, EVALUATE, SECAGG). */
  public static AccessKind ofTask(String kindCase) {
    return switch (kindCase.toUpperCase(Locale.ROOT)) {
      case "STATS" -> STATISTICS;
      case "EVALUATE" -> EVALUATION;
      case "SECAGG" -> SECURE_AGGREGATION;
      default -> TRAINING;
    };
  }
}
