package dev.tandem.node.vertical.scoring;

import java.util.Objects;

/** A scoring request this node could not carry out, with what kind of failure it is and a message for the operator. */
public final class ScoringException extends Exception {
  private static final long serialVersionUID = 1L;

  /** What went wrong, so that a caller can choose its answer (an HTTP status, an exit code). */
  public enum Reason {
    /** The request itself is malformed: no or too many ids, an invalid id or model version. */
    INVALID_REQUEST,
    /** This node or the coordinator has no such vertical model (version). */
    UNKNOWN_MODEL,
    /** Consent policy or the federation refuses: a purpose not served, a partner not accepted, not a party. */
    NOT_PERMITTED,
    /** A party declined, or the coordinator refused the request in its current state. */
    REFUSED,
    /** The coordinator or a party cannot be reached now, or did not answer in time; retrying may help. */
    UNAVAILABLE,
    /** The coordinator or a party answered something this node cannot use (unreadable, unsigned, tampered). */
    BAD_ANSWER
  }

  private final Reason reason;

  /** @param message what happened; holds no subject id */
  public ScoringException(Reason reason, String message) {
    super(Objects.requireNonNull(message, "message"));
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  ScoringException(Reason reason, String message, Throwable cause) {
    super(Objects.requireNonNull(message, "message"), cause);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /** What kind of failure this is. */
  public Reason reason() {
    return reason;
  }
}
