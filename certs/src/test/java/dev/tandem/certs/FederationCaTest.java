package dev.tandem.certs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.certs.testing.TestPki;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.interfaces.ECPublicKey;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FederationCaTest {
  private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");
  private static final SiteIdentity BANK = new SiteIdentity("bank-1", Role.NODE);

  private final FederationCa ca = FederationCa.create("acme", Clock.fixed(T0, ZoneOffset.UTC));

  @Test
  void create_caCertificate_isSelfSignedCaForTenYears() throws Exception {
    X509Certificate cert = ca.certificate();
    cert.verify(cert.getPublicKey());
    assertEquals("CN=acme,O=Tandem", cert.getSubjectX500Principal().getName());
    assertEquals(cert.getSubjectX500Principal(), cert.getIssuerX500Principal());
    assertTrue(cert.getBasicConstraints() >= 0, "basicConstraints CA");
    assertTrue(cert.getCriticalExtensionOIDs().contains(Extension.basicConstraints.getId()));
    boolean[] usage = cert.getKeyUsage();
    assertTrue(usage[5] && usage[6], "keyCertSign and cRLSign");
    assertFalse(usage[0], "no digitalSignature on the CA");
    assertEquals(T0.plus(Duration.ofDays(3650)), cert.getNotAfter().toInstant());
    assertEquals(256, ((ECPublicKey) cert.getPublicKey()).getParams().getCurve().getField().getFieldSize());
    assertEquals("acme", ca.federationName());
  }

  @Test
  void create_blankOrControlName_throws() {
    assertThrows(IllegalArgumentException.class, () -> FederationCa.create(" "));
    assertThrows(IllegalArgumentException.class, () -> FederationCa.create("a\nb"));
    assertThrows(IllegalArgumentException.class, () -> FederationCa.create("x".repeat(65)));
  }

  @Test
  void create_nameWithComma_isOneCommonName() {
    FederationCa odd = FederationCa.create("acme, OU=coordinator");
    assertEquals("acme, OU=coordinator", odd.federationName());
  }

  @Test
  void issue_node_identityReadsBackFromCertificate() throws Exception {
    IssuedCertificate issued = ca.issue(BANK, List.of("bank-1.example.org"));
    X509Certificate cert = issued.certificate();
    assertEquals(BANK, SiteIdentity.fromCertificate(cert));
    assertEquals(BANK, issued.identity());
    assertEquals("CN=bank-1,OU=node,O=Tandem", cert.getSubjectX500Principal().getName());
    assertEquals(ca.certificate().getSubjectX500Principal(), cert.getIssuerX500Principal());
    cert.verify(ca.certificate().getPublicKey());
  }

  @Test
  void issue_certificate_isEndEntityForServerAndClientAuth() throws Exception {
    X509Certificate cert = ca.issue(BANK, List.of("localhost")).certificate();
    assertEquals(-1, cert.getBasicConstraints());
    assertEquals(List.of("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"), cert.getExtendedKeyUsage());
    assertTrue(cert.getKeyUsage()[0], "digitalSignature");
    assertFalse(cert.getKeyUsage()[5], "no keyCertSign");
    assertEquals(256, ((ECPublicKey) cert.getPublicKey()).getParams().getCurve().getField().getFieldSize());
    assertEquals("SHA256withECDSA", cert.getSigAlgName());
  }

  @Test
  void issue_hostNames_ipLiteralsBecomeIpAddressSans() throws Exception {
    X509Certificate cert = ca.issue(BANK,
        List.of("localhost", "127.0.0.1", "::1", "Coordinator.Example.org", "localhost")).certificate();
    Set<List<?>> sans = new HashSet<>(cert.getSubjectAlternativeNames());
    assertEquals(Set.of(List.of(2, "localhost"), List.of(7, "127.0.0.1"), List.of(7, "0:0:0:0:0:0:0:1"),
        List.of(2, "coordinator.example.org")), sans);
  }

  @Test
  void issue_noHostNames_noSubjectAlternativeName() throws Exception {
    assertNull(ca.issue(BANK, List.of()).certificate().getSubjectAlternativeNames());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "bad host", "-leading.example", "under_score.example", "exa mple", "a..b", "http://x"})
  void issue_malformedHostName_throwsNamingHost(String host) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ca.issue(BANK, List.of(host)));
    assertTrue(e.getMessage().contains("'" + host + "'"), e.getMessage());
    assertTrue(ca.issued().isEmpty(), "nothing recorded");
  }

  @Test
  void issue_serials_arePositiveRandom128Bit() {
    Set<BigInteger> serials = new HashSet<>();
    for (int i = 0; i < 20; i++) {
      BigInteger serial = ca.issue(BANK, List.of()).serial();
      assertTrue(serial.signum() > 0 && serial.bitLength() <= 128, serial.toString(16));
      serials.add(serial);
    }
    assertEquals(20, serials.size());
    assertTrue(serials.stream().anyMatch(s -> s.bitLength() > 120), "serials use the full 128 bits");
  }

  @Test
  void issue_defaultValidity_is365Days() {
    X509Certificate cert = ca.issue(BANK, List.of()).certificate();
    assertEquals(T0.minus(Duration.ofMinutes(5)), cert.getNotBefore().toInstant());
    assertEquals(T0.plus(Duration.ofDays(365)), cert.getNotAfter().toInstant());
  }

  @Test
  void issue_validityBeyondCa_throws() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ca.issue(BANK, List.of(), Duration.ofDays(3651)));
    assertTrue(e.getMessage().contains("outlive"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ca.issue(BANK, List.of(), Duration.ZERO));
  }

  @Test
  void issue_recordsInIndex() {
    IssuedCertificate issued = ca.issue(BANK, List.of(), Duration.ofDays(10));
    assertEquals(List.of(new IssuedRecord(issued.serial(), BANK, T0.plus(Duration.ofDays(10)), false)),
        ca.issued());
  }

  @Test
  void revoke_issuedSerial_crlContainsIt() throws Exception {
    IssuedCertificate kept = ca.issue(BANK, List.of());
    IssuedCertificate gone = ca.issue(new SiteIdentity("hospital", Role.NODE), List.of());
    ca.revoke(gone.serial());
    ca.revoke(gone.serial());

    X509CRL crl = ca.crl();
    crl.verify(ca.certificate().getPublicKey());
    assertEquals(ca.certificate().getSubjectX500Principal(), crl.getIssuerX500Principal());
    assertTrue(crl.isRevoked(gone.certificate()));
    assertFalse(crl.isRevoked(kept.certificate()));
    assertEquals(1, crl.getRevokedCertificates().size());
    assertEquals(T0, crl.getThisUpdate().toInstant());
    assertEquals(T0.plus(Duration.ofDays(30)), crl.getNextUpdate().toInstant());
    assertEquals(T0, crl.getRevokedCertificate(gone.serial()).getRevocationDate().toInstant());
    assertTrue(ca.issued().stream().anyMatch(r -> r.serial().equals(gone.serial()) && r.revoked()));
  }

  @Test
  void crl_successiveLists_haveIncreasingNumbers() throws Exception {
    assertTrue(crlNumber(ca.crl()).compareTo(crlNumber(ca.crl())) < 0);
  }

  @Test
  void revoke_unknownSerial_throwsNamingSerial() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ca.revoke(BigInteger.valueOf(0xabc)));
    assertTrue(e.getMessage().contains("0xabc"), e.getMessage());
  }

  @Test
  void revokeCertificate_fromAnotherCa_throws() {
    IssuedCertificate foreign = TestPki.create().node("bank-1");
    assertThrows(IllegalArgumentException.class, () -> ca.revoke(foreign.certificate()));
  }

  @Test
  void revokeCertificate_missingFromIndex_addsAndRevokes(@TempDir Path dir) {
    IssuedCertificate issued = ca.issue(BANK, List.of());
    ca.save(dir);
    FederationCa fresh = FederationCa.load(dir);
    assertDoesNotThrow(() -> fresh.revoke(issued.certificate()));
    assertTrue(fresh.crl().isRevoked(issued.certificate()));
  }

  @Test
  void revokeSite_revokesEveryActiveCertificateOfThatSite() {
    BigInteger first = ca.issue(BANK, List.of()).serial();
    BigInteger second = ca.issue(new SiteIdentity("bank-1", Role.COORDINATOR), List.of()).serial();
    BigInteger other = ca.issue(new SiteIdentity("bank-2", Role.NODE), List.of()).serial();

    assertEquals(List.of(first, second), ca.revokeSite("bank-1"));
    assertEquals(List.of(), ca.revokeSite("bank-1"));
    X509CRL crl = ca.crl();
    assertNotNull(crl.getRevokedCertificate(first));
    assertNotNull(crl.getRevokedCertificate(second));
    assertNull(crl.getRevokedCertificate(other));
  }

  @Test
  void saveThenLoad_roundTripsCertificateKeyIndexAndRevocations(@TempDir Path tmp) throws Exception {
    Path dir = tmp.resolve("ca");
    IssuedCertificate a = ca.issue(BANK, List.of("localhost"));
    IssuedCertificate b = ca.issue(new SiteIdentity("central", Role.COORDINATOR), List.of("127.0.0.1"));
    ca.revoke(a.serial());
    ca.save(dir);

    assertEquals(Set.of("ca.pem", "ca.key", "crl.pem", "issued.tsv"), fileNames(dir));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("ca.key"))));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
    List<String> index = Files.readAllLines(dir.resolve("issued.tsv"));
    assertEquals("serial\tsite\trole\tnot_after\tstatus", index.get(0));
    assertEquals(a.serial().toString(16) + "\tbank-1\tnode\t" + T0.plus(Duration.ofDays(365)) + "\trevoked",
        index.get(1));
    assertTrue(index.get(2).endsWith("\tcentral\tcoordinator\t" + T0.plus(Duration.ofDays(365)) + "\tactive"));

    FederationCa loaded = FederationCa.load(dir, Clock.fixed(T0.plusSeconds(60), ZoneOffset.UTC));
    assertEquals(ca.certificate(), loaded.certificate());
    assertEquals(ca.issued(), loaded.issued());
    X509CRL crl = loaded.crl();
    assertTrue(crl.isRevoked(a.certificate()));
    assertFalse(crl.isRevoked(b.certificate()));
    assertEquals(T0, crl.getRevokedCertificate(a.serial()).getRevocationDate().toInstant(),
        "revocation date survives the round trip");
    assertTrue(crlNumber(crl).compareTo(crlNumber(Pem.readCrl(dir.resolve("crl.pem")))) > 0,
        "CRL numbers keep increasing after a reload");

    IssuedCertificate c = loaded.issue(new SiteIdentity("bank-2", Role.NODE), List.of());
    c.certificate().verify(ca.certificate().getPublicKey());
    assertEquals(3, loaded.issued().size());
  }

  @Test
  void save_twice_keyStaysOwnerOnlyAndNoTemporaryFilesRemain(@TempDir Path dir) throws Exception {
    ca.save(dir);
    ca.issue(BANK, List.of());
    ca.save(dir);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("ca.key"))));
    assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("ca.pem"))));
    assertEquals(Set.of("ca.pem", "ca.key", "crl.pem", "issued.tsv"), fileNames(dir));
  }

  @Test
  void load_emptyDirectory_throwsNamingDirectory(@TempDir Path dir) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FederationCa.load(dir));
    assertTrue(e.getMessage().contains(dir.toString()) && e.getMessage().contains("ca.pem"), e.getMessage());
  }

  @Test
  void load_keyOfAnotherCa_throws(@TempDir Path dir) {
    ca.save(dir);
    FederationCa other = FederationCa.create("acme");
    Path otherDir = dir.resolve("other");
    other.save(otherDir);
    Pem.writePrivateKey(dir.resolve("ca.key"), Pem.readPrivateKey(otherDir.resolve("ca.key")));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FederationCa.load(dir));
    assertTrue(e.getMessage().contains("ca.key"), e.getMessage());
  }

  @Test
  void load_crlOfAnotherCaWithSameName_throws(@TempDir Path dir) {
    ca.save(dir);
    Pem.writeCrl(dir.resolve("crl.pem"), FederationCa.create("acme").crl());
    assertThrows(IllegalArgumentException.class, () -> FederationCa.load(dir));
  }

  @Test
  void load_malformedIndexLine_throwsNamingLine(@TempDir Path dir) throws Exception {
    ca.save(dir);
    Files.writeString(dir.resolve("issued.tsv"), "serial\tsite\trole\tnot_after\tstatus\nzz\tbank\tnode\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FederationCa.load(dir));
    assertTrue(e.getMessage().contains("line 2"), e.getMessage());
  }

  @Test
  void issuedCertificate_writeTo_keyOwnerOnlyAndReadsBack(@TempDir Path dir) throws Exception {
    IssuedCertificate issued = ca.issue(BANK, List.of("localhost"));
    Path key = dir.resolve("site/bank-1.key");
    Files.createDirectories(key.getParent());
    Files.writeString(key, "old", java.nio.charset.StandardCharsets.US_ASCII);
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));

    issued.writeTo(dir.resolve("site/bank-1.pem"), key);

    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
    assertEquals(issued.certificate(), Pem.readCertificate(dir.resolve("site/bank-1.pem")));
    assertArrayEquals(issued.privateKey().getEncoded(), Pem.readPrivateKey(key).getEncoded());
  }

  @Test
  void issuedCertificate_toString_omitsKey() {
    IssuedCertificate issued = ca.issue(BANK, List.of());
    String text = issued.toString();
    assertTrue(text.contains("bank-1") && text.contains(issued.serial().toString(16)), text);
    assertFalse(text.toLowerCase().contains("private"), text);
  }

  @Test
  void issuedCertificate_mismatchedKey_throws() {
    IssuedCertificate a = ca.issue(BANK, List.of());
    IssuedCertificate b = ca.issue(BANK, List.of());
    assertThrows(IllegalArgumentException.class, () -> new IssuedCertificate(a.certificate(), b.privateKey()));
  }

  private static BigInteger crlNumber(X509CRL crl) throws Exception {
    return ASN1Integer.getInstance(JcaX509ExtensionUtils.parseExtensionValue(
        crl.getExtensionValue(Extension.cRLNumber.getId()))).getValue();
  }

  private static Set<String> fileNames(Path dir) throws Exception {
    try (var files = Files.list(dir)) {
      Set<String> names = new HashSet<>();
      files.filter(Files::isRegularFile).forEach(p -> names.add(p.getFileName().toString()));
      return names;
    }
  }
}
