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
import java.util.Objects;
import java.util.Optional;

/** A CRL read from a PEM file and re-read when the file changes. */
final class FileCrlSource implements CrlSource {
  private final Path file;
  private final X509Certificate ca;
  private Stamp stamp;
  private X509CRL cached;

  private record Stamp(FileTime modified, long size, Object fileKey) {}

  FileCrlSource(Path file, X509Certificate ca) {
    this.file = Objects.requireNonNull(file, "crlFile");
    this.ca = Objects.requireNonNull(ca, "ca");
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
      return Optional.empty();
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
          return Optional.empty();
        }
        throw new IllegalStateException("cannot read the revocation list " + file + ": " + e.getMessage(), e);
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException("the revocation list " + file + " is unreadable: " + e.getMessage(), e);
      }
      FederationTrustManager.checkCrlSignedBy(crl, ca, "the revocation list " + file);
      cached = crl;
      stamp = now;
    }
    return Optional.of(cached);
  }

  @Override
  public String toString() {
    return "CrlSource.file(" + file + ")";
  }
}
