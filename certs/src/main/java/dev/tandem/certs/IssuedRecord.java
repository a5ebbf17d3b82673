package dev.tandem.certs;

import java.math.BigInteger;
import java.time.Instant;
import java.util.Objects;

/**
 * One line of a federation CA's issue log.
 *
 * @param serial positive serial number of the certificate
 * @param identity the site and role it was issued to
 * @param notAfter end of its validity
 * @param revoked whether the CA has revoked it
 */
public record IssuedRecord(BigInteger serial, SiteIdentity identity, Instant notAfter, boolean revoked) {
  public IssuedRecord {
    Objects.requireNonNull(serial, "serial");
    if (serial.signum() <= 0) {
      throw new IllegalArgumentException("serial must be positive, got " + serial);
    }
    Objects.requireNonNull(identity, "identity");
    Objects.requireNonNull(notAfter, "notAfter");
  }

  /** The serial as {@code 0x} followed by lower-case hex, as the CLI and error messages print it. */
  public String serialHex() {
    return Serials.hex(serial);
  }
}
