package dev.tandem.node.watch;

/** The rules that flag abnormal access (docs/LEAK_DETECTION.md). */
public enum LeakRule {
  /** A partner asked for partial scores of far more subjects in one window than its baseline. */
  SCORING_VOLUME,
  /** A partner asked about far more distinct subjects in one window than its baseline. */
  DISTINCT_SUBJECTS,
  /** A partner asked about more ids this node does not hold (with consent) than allowed in one window. */
  OUTSIDE_INTERSECTION,
  /** More requests from a partner were refused in one window than allowed. */
  REFUSAL_BURST,
  /** More audit or subject exports in one window than allowed and than the baseline. */
  BULK_EXPORT,
  /** An access outside the configured hours. */
  OFF_HOURS
}
