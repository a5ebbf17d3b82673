package dev.tandem.certs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.certs.testing.TestPki;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CertificateInfoTest {
  private final TestPki pki = TestPki.create();

  @Test
  void of_siteCertificate_summarizesIdentitySerialAndFingerprint() throws Exception {
    IssuedCertificate c = pki.coordinator("central");
    CertificateInfo info = CertificateInfo.of(c.certificate());

    assertEquals(Optional.of(new SiteIdentity("central", Role.COORDINATOR)), info.identity());
    assertEquals("0x" + c.serial().toString(16), info.serialHex());
    assertEquals(List.of("localhost", "127.0.0.1"), info.hostNames());
    assertFalse(info.authority());
    assertEquals("CN=test-federation,O=Tandem", info.issuer());
    byte[] digest = MessageDigest.getInstance("SHA-256").digest(c.certificate().getEncoded());
    StringBuilder expected = new StringBuilder();
    for (byte b : digest) {
      expected.append(expected.length() == 0 ? "" : ":").append(String.format("%02X", b & 0xff));
    }
    assertEquals(expected.toString(), info.sha256Fingerprint());

    String text = info.describe(Instant.now());
    for (String part : List.of("site:", "central", "role:", "coordinator", info.serialHex(), "not before:",
        "not after:", "issuer:", "sha-256:", expected.toString())) {
      assertTrue(text.contains(part), part + " missing from\n" + text);
    }
    assertFalse(text.contains("EXPIRED"), text);
  }

  @Test
  void describe_afterNotAfter_saysExpired() {
    CertificateInfo info = CertificateInfo.of(pki.node("bank").certificate());
    assertTrue(info.describe(info.notAfter().plus(Duration.ofSeconds(1))).contains("EXPIRED"));
    assertFalse(info.validAt(info.notAfter().plus(Duration.ofSeconds(1))));
    assertTrue(info.validAt(Instant.now()));
  }

  @Test
  void of_caCertificate_hasNoIdentity() {
    CertificateInfo info = CertificateInfo.of(pki.ca().certificate());
    assertEquals(Optional.empty(), info.identity());
    assertTrue(info.authority());
    assertTrue(info.describe().contains("CA certificate"), info.describe());
  }
}
