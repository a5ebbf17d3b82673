package dev.tandem.node.audit;

/** What an audit log entry records; its payload fields are listed in AUDIT_FORMAT.md. */
public enum AuditEntryType {
  /** A consent decision (by pseudonym) or a consent import. */
  CONSENT_CHANGED,
  /** The node accepted a job. */
  JOB_ACCEPTED,
  /** The node refused a job, and why. */
  JOB_REFUSED,
  /** The node contributed to a training round: a Merkle root over the pseudonyms of the records used. */
  ROUND_CONTRIBUTED,
  /** A subject was erased (by pseudonym). */
  ERASURE,
  /** Leak detection flagged a partner's abnormal access (docs/LEAK_DETECTION.md); holds no subject id. */
  LEAK_ALERT,
  /** An operator cleared a leak alert, so that it no longer blocks the partner. */
  LEAK_ALERT_CLEARED,
  /** The coordinator countersigned the log head. */
  HEAD_COUNTERSIGNED,
  /** The node scored subjects with a vertical model piece: a Merkle root over the pseudonyms of the records used. */
  SUBJECTS_SCORED,
  /**
   * The node made a subject-access report: its pseudonym and the log head the report was made from,
   * so that the report cannot later be cut back to an earlier head.
   */
  SUBJECT_ACCESS_REPORTED,
  /**
   * The coordinator refused an answer that had left the node; the entry auditing the answer's use
   * (written before it left) still stands, since the coordinator may have read it.
   */
  ANSWER_REFUSED,
  /**
   * The node used records for a job's statistics or evaluation: a Merkle root over the pseudonyms of
   * the records used, written before the answer left.
   */
  RECORDS_USED
}
