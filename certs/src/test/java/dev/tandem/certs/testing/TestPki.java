package dev.tandem.certs.testing;

import dev.tandem.certs.FederationCa;
import dev.tandem.certs.IssuedCertificate;
import dev.tandem.certs.Pem;
import dev.tandem.certs.Role;
import dev.tandem.certs.SiteIdentity;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Objects;

/**
 * An in-memory federation PKI for tests: a fresh CA named "test-federation" and helpers to mint
 * node and coordinator certificates and write them where a site expects them.
 *
 * <p>Keys exist only in memory or in the directories a test passes in (use {@code @TempDir}).
 */
public final class TestPki {
  /** Name of every test federation CA. */
  public static final String FEDERATION = "test-federation";

  private final FederationCa ca;

  private TestPki(FederationCa ca) {
    this.ca = ca;
  }

  /** A fresh CA with the system clock. */
  public static TestPki create() {
    return new TestPki(FederationCa.create(FEDERATION));
  }

  /** A fresh CA whose certificates and CRLs are dated by {@code clock} (e.g. in the past, to mint expired certificates). */
  public static TestPki create(Clock clock) {
    return new TestPki(FederationCa.create(FEDERATION, clock));
  }

  public FederationCa ca() {
    return ca;
  }

  /** A node certificate for {@code siteId} with host name localhost. */
  public IssuedCertificate node(String siteId) {
    return ca.issue(new SiteIdentity(siteId, Role.NODE), List.of("localhost"));
  }

  /** A coordinator certificate for {@code siteId} with host names localhost and 127.0.0.1. */
  public IssuedCertificate coordinator(String siteId) {
    return ca.issue(new SiteIdentity(siteId, Role.COORDINATOR), List.of("localhost", "127.0.0.1"));
  }

  /** Writes cert.pem, key.pem (0600), ca.pem and crl.pem (this CA's current CRL) into {@code dir}. */
  public SiteFiles writeSite(Path dir, IssuedCertificate c) {
    SiteFiles files = new SiteFiles(dir.resolve("cert.pem"), dir.resolve("key.pem"),
        dir.resolve("ca.pem"), dir.resolve("crl.pem"));
    c.writeTo(files.cert(), files.key());
    Pem.writeCertificate(files.ca(), ca.certificate());
    writeCrl(files.crl());
    return files;
  }

  /** Writes this CA's current CRL (every revocation so far) to {@code crlFile}. */
  public void writeCrl(Path crlFile) {
    Pem.writeCrl(crlFile, ca.crl());
  }

  /** The files of one site written by {@link #writeSite(Path, IssuedCertificate)}. */
  public record SiteFiles(Path cert, Path key, Path ca, Path crl) {
    public SiteFiles {
      Objects.requireNonNull(cert, "cert");
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(ca, "ca");
      Objects.requireNonNull(crl, "crl");
    }
  }
}
