package dev.tandem.certs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Date;
import java.util.Objects;
import java.util.Optional;

/**
 * A CRL read from a PEM file and re-read when the file changes; fails closed: a missing file, or
 * a list past its nextUpdate, is an error (every peer is refused), never "nothing is revoked".
 */
final class FileCrlSource implements CrlSource {
  private final Path file;
  private final X509Certificate ca;
  private final Clock clock;
  private Stamp stamp;
  private X509CRL cached;

  private record Stamp(FileTime modified, long size, Object fileKey) {}

  FileCrlSource(Path file, X509Certificate ca, Clock clock) {
    this.file = Objects.requireNonNull(file, "crlFile");
    this.ca = Objects.requireNonNull(ca, "ca");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public synchronized Optional<X509CRL> current() {
    Stamp now;
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      now = new Stamp(a.lastModifiedTime(), a.size(), a.fileKey());
    } catch (NoSuchFileException e) {
      stamp = null;
      cached = null;
      throw missing();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the revocation list " + file + ": " + e, e);
    }
    if (!now.equals(stamp)) {
      X509CRL crl;
      try {
        crl = Pem.readCrl(file);
      } catch (UncheckedIOException e) {
        if (e.getCause() instanceof NoSuchFileException) {
          stamp = null;
          cached = null;
          throw missing();
        }
        throw new IllegalStateException("cannot read the revocation list " + file + ": " + e.getMessage(), e);
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException("the revocation list " + file + " is unreadable: " + e.getMessage(), e);
      }
      FederationTrustManager.checkCrlSignedBy(crl, ca, "the revocation list " + file);
      cached = crl;
      stamp = now;
    }
    Date next = cached.getNextUpdate();
    if (next == null || !clock.instant().isBefore(next.toInstant())) {
      throw new IllegalStateException("the revocation list " + file + (next == null ? " has no nextUpdate"
          : " expired at its nextUpdate " + next.toInstant()) + ": every peer is refused until the CA publishes a"
          + " fresh one (each tandem certs issue or revoke re-signs DIR/crl.pem)");
    }
    return Optional.of(cached);
  }

  private IllegalStateException missing() {
    return new IllegalStateException("the revocation list " + file + " is missing: every peer is refused until it"
        + " is restored (a missing list must not mean that nothing is revoked)");
  }

  @Override
  public String toString() {
    return "CrlSource.file(" + file + ")";
  }
}
