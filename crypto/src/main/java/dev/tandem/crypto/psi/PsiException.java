package dev.tandem.crypto.psi;

import java.util.Objects;

/**
 * A PSI message or call was refused.
 *
 * <p>The {@link Reason} lets a transport choose a status code; the message names positions and
 * counts, never ids or points.
 */
public final class PsiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why a message or call was refused. */
  public enum Reason {
    /** The bytes are not a message of this type, or hold a point that is not a valid group element. */
    MALFORMED,
    /** The call does not belong to the party's current stage (steps run once, in order). */
    WRONG_STAGE,
    /** The message is well formed but not part of this exchange: a reply to another request, or
     *  our own message sent back to us. */
    MISMATCHED
  }

  private final Reason reason;

  /** Creates the exception. */
  public PsiException(Reason reason, String message) {
    super(message);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /** Returns why the message or call was refused. */
  public Reason reason() {
    return reason;
  }
}
