package dev.tandem.coordinator.rounds;

/**
 * A site's answer that the coordinator refuses; the message says what to fix and holds no data.
 */
public final class Rejection extends Exception {
  /** Why an answer was refused; the transport maps each to a status code. */
  public enum Reason {
    /** No such job. */
    UNKNOWN_JOB,
    /** The site is not a participant of the job or of this phase. */
    NOT_PARTICIPANT,
    /** The answer is for another round or phase, or the site already answered. */
    WRONG_ROUND,
    /** Wrong length, non-finite values, bad counts. */
    MALFORMED,
    /** A site the request needs is not connected or did not answer in time. */
    UNAVAILABLE
  }

  private final Reason reason;

  public Rejection(Reason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
