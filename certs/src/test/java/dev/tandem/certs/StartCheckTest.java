package dev.tandem.certs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.certs.testing.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StartCheckTest {
  @TempDir Path dir;

  private final TestPki pki = TestPki.create();

  private static void says(IllegalStateException e, String... phrases) {
    for (String p : phrases) {
      assertTrue(e.getMessage().contains(p), "'" + p + "' in: " + e.getMessage());
    }
  }

  @Test
  void ownCertificate_matchingNode_returnsItsIdentity() {
    TestPki.SiteFiles f = pki.writeSite(dir, pki.node("bank"));
    assertEquals(new SiteIdentity("bank", Role.NODE),
        StartCheck.ownCertificate(f.cert(), f.ca(), f.crl(), Role.NODE, "bank", Clock.systemUTC()));
  }

  @Test
  void ownCertificate_siteDiffersFromTheCertificate_stopsNamingBoth() {
    TestPki.SiteFiles f = pki.writeSite(dir, pki.node("bank-2"));
    says(assertThrows(IllegalStateException.class,
        () -> StartCheck.ownCertificate(f.cert(), f.ca(), f.crl(), Role.NODE, "bank", Clock.systemUTC())),
        "site: 'bank' differs from the site id 'bank-2'", f.cert().toString());
  }

  @Test
  void ownCertificate_coordinatorStartedWithANodeCertificate_stops() {
    TestPki.SiteFiles f = pki.writeSite(dir, pki.node("bank"));
    says(assertThrows(IllegalStateException.class,
        () -> StartCheck.ownCertificate(f.cert(), f.ca(), f.crl(), Role.COORDINATOR, null, Clock.systemUTC())),
        "is a node certificate (site 'bank')", "a coordinator needs a coordinator certificate");
  }

  @Test
  void ownCertificate_missingCrlFile_stops() throws Exception {
    TestPki.SiteFiles f = pki.writeSite(dir, pki.coordinator("fl"));
    Files.delete(f.crl());
    says(assertThrows(IllegalStateException.class,
        () -> StartCheck.ownCertificate(f.cert(), f.ca(), f.crl(), Role.COORDINATOR, null, Clock.systemUTC())),
        "tls.crl " + f.crl() + " is missing");
  }

  @Test
  void ownCertificate_revokedOrFromAnotherCa_stops() throws Exception {
    IssuedCertificate issued = pki.node("bank");
    pki.ca().revoke(issued.certificate());
    TestPki.SiteFiles f = pki.writeSite(dir, issued);
    says(assertThrows(IllegalStateException.class,
        () -> StartCheck.ownCertificate(f.cert(), f.ca(), f.crl(), Role.NODE, "bank", Clock.systemUTC())),
        "is revoked by tls.crl");
    TestPki.SiteFiles g = pki.writeSite(Files.createDirectories(dir.resolve("other")), pki.node("bank"));
    Pem.writeCertificate(g.ca(), TestPki.create().ca().certificate());
    says(assertThrows(IllegalStateException.class,
        () -> StartCheck.ownCertificate(g.cert(), g.ca(), null, Role.NODE, "bank", Clock.systemUTC())),
        "was not issued by the federation CA");
  }
}
