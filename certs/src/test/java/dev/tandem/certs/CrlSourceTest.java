package dev.tandem.certs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.certs.testing.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CrlSourceTest {
  private final TestPki pki = TestPki.create();

  @Test
  void none_isEmpty() {
    assertEquals(Optional.empty(), CrlSource.none().current());
  }

  @Test
  void fixed_returnsThatCrl() {
    X509CRL crl = pki.ca().crl();
    assertSame(crl, CrlSource.fixed(crl).current().orElseThrow());
  }

  @Test
  void file_missing_failsClosed(@TempDir Path dir) {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> CrlSource.file(dir.resolve("crl.pem"), pki.ca().certificate()).current());
    assertTrue(e.getMessage().contains("is missing: every peer is refused"), e.getMessage());
  }

  @Test
  void file_pastNextUpdate_failsClosed(@TempDir Path dir) {
    Path file = dir.resolve("crl.pem");
    pki.writeCrl(file);
    Instant next = pki.ca().crl().getNextUpdate().toInstant();
    CrlSource late = CrlSource.file(file, pki.ca().certificate(), Clock.fixed(next.plusSeconds(1), ZoneOffset.UTC));
    IllegalStateException e = assertThrows(IllegalStateException.class, late::current);
    assertTrue(e.getMessage().contains("expired at its nextUpdate"), e.getMessage());
    CrlSource inTime = CrlSource.file(file, pki.ca().certificate(), Clock.fixed(next.minusSeconds(60), ZoneOffset.UTC));
    assertTrue(inTime.current().isPresent());
  }

  @Test
  void file_changed_isReloaded(@TempDir Path dir) {
    Path file = dir.resolve("crl.pem");
    IssuedCertificate node = pki.node("bank-1");
    pki.writeCrl(file);
    CrlSource source = CrlSource.file(file, pki.ca().certificate());

    X509CRL first = source.current().orElseThrow();
    assertFalse(first.isRevoked(node.certificate()));
    assertSame(first, source.current().orElseThrow(), "unchanged file is not re-read");

    pki.ca().revoke(node.serial());
    pki.writeCrl(file);
    assertTrue(source.current().orElseThrow().isRevoked(node.certificate()));
  }

  @Test
  void file_deletedAfterLoad_failsClosed(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("crl.pem");
    pki.writeCrl(file);
    CrlSource source = CrlSource.file(file, pki.ca().certificate());
    assertTrue(source.current().isPresent());
    Files.delete(file);
    assertThrows(IllegalStateException.class, source::current);
  }

  @Test
  void file_crlOfAnotherCaWithSameName_throwsIllegalState(@TempDir Path dir) {
    Path file = dir.resolve("crl.pem");
    TestPki.create().writeCrl(file);
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> CrlSource.file(file, pki.ca().certificate()).current());
    assertTrue(e.getMessage().contains("not signed by the federation CA"), e.getMessage());
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
  }

  @Test
  void file_crlOfDifferentlyNamedCa_throwsIllegalState(@TempDir Path dir) {
    Path file = dir.resolve("crl.pem");
    Pem.writeCrl(file, FederationCa.create("elsewhere").crl());
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> CrlSource.file(file, pki.ca().certificate()).current());
    assertTrue(e.getMessage().contains("CN=elsewhere"), e.getMessage());
  }

  @Test
  void file_goodCrlReplacedByForeignOne_throwsInsteadOfKeepingOld(@TempDir Path dir) {
    Path file = dir.resolve("crl.pem");
    pki.writeCrl(file);
    CrlSource source = CrlSource.file(file, pki.ca().certificate());
    assertTrue(source.current().isPresent());
    Pem.writeCrl(file, FederationCa.create("elsewhere").crl());
    assertThrows(IllegalStateException.class, source::current);
  }

  @Test
  void file_garbage_throwsIllegalState(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("crl.pem");
    Files.writeString(file, "not a crl");
    assertThrows(IllegalStateException.class, () -> CrlSource.file(file, pki.ca().certificate()).current());
  }
}
