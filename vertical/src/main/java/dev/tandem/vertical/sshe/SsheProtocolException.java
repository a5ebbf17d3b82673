package dev.tandem.vertical.sshe;

/**
 * A message that the protocol refuses: wrong kind, step, sender or size, a duplicate, or an invalid
 * ciphertext. The message names what was expected; the party's state is unchanged.
 */
public final class SsheProtocolException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message a person can act on. */
  public SsheProtocolException(String message) {
    super(message);
  }

  /** Creates the exception with a message and its cause. */
  public SsheProtocolException(String message, Throwable cause) {
    super(message, cause);
  }
}
