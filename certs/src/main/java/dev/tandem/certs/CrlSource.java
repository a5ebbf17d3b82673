package dev.tandem.certs;

import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the current revocation list comes from.
 *
 * <p>Implementations are thread-safe: a trust manager calls {@link #current()} on every handshake.
 */
public interface CrlSource {
  /**
   * The current CRL, or empty when nothing is revoked.
   *
   * @throws IllegalStateException if the list exists but cannot be trusted or parsed; a trust
   *     manager then refuses every peer
   */
  Optional<X509CRL> current();

  /** A source under which nothing is revoked. */
  static CrlSource none() {
    return Optional::empty;
  }

  /** Always the given CRL; its signature is checked by the trust manager that uses it. */
  static CrlSource fixed(X509CRL crl) {
    Objects.requireNonNull(crl, "crl");
    Optional<X509CRL> current = Optional.of(crl);
    return () -> current;
  }

  /**
   * A PEM CRL file, re-read whenever its modification time, size or file identity changes. Fails
   * closed: a missing file, or a list at or past its nextUpdate, throws (so a trust manager refuses
   * every peer) rather than meaning that nothing is revoked.
   *
   * @throws IllegalStateException from {@link CrlSource#current()} if the file is missing, expired,
   *     not a CRL signed by {@code ca}, or cannot be read
   */
  static CrlSource file(Path crlFile, X509Certificate ca) {
    return new FileCrlSource(crlFile, ca, Clock.systemUTC());
  }

  /** As {@link #file(Path, X509Certificate)}, judging nextUpdate by {@code clock}. */
  static CrlSource file(Path crlFile, X509Certificate ca, Clock clock) {
    return new FileCrlSource(crlFile, ca, clock);
  }
}
