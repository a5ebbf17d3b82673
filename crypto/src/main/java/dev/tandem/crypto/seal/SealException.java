package dev.tandem.crypto.seal;

import java.security.GeneralSecurityException;

/** A sealed message could not be opened: it was tampered with, misaddressed or sealed under other keys. */
public final class SealException extends GeneralSecurityException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception; the message must not hold key material or plaintext. */
  public SealException(String message) {
    super(message);
  }

  /** Creates the exception with its cause; the message must not hold key material or plaintext. */
  public SealException(String message, Throwable cause) {
    super(message, cause);
  }
}
