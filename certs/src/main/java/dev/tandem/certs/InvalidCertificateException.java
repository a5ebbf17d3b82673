package dev.tandem.certs;

/** A certificate does not carry a well-formed Tandem site identity. */
public class InvalidCertificateException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public InvalidCertificateException(String message) {
    super(message);
  }

  public InvalidCertificateException(String message, Throwable cause) {
    super(message, cause);
  }
}
