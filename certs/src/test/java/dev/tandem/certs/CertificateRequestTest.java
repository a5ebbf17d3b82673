package dev.tandem.certs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Key custody: the site makes its key and a request, the CA certifies the request and never sees the key. */
class CertificateRequestTest {
  private static final SiteIdentity BANK = new SiteIdentity("bank-1", Role.NODE);
  private static final SiteIdentity CENTRAL = new SiteIdentity("central", Role.COORDINATOR);
  private static final Duration YEAR = Duration.ofDays(365);

  private final FederationCa ca = FederationCa.create("acme");

  @Test
  void requestThenSign_bothSitesHandshakeWithTheirOwnKeys(@TempDir Path dir) throws Exception {
    CertificateRequest.Generated node = CertificateRequest.generate(BANK, List.of());
    CertificateRequest.Generated coordinator = CertificateRequest.generate(CENTRAL, List.of("localhost", "127.0.0.1"));
    node.request().writeTo(dir.resolve("bank-1.csr"));
    coordinator.request().writeTo(dir.resolve("central.csr"));

    X509Certificate nodeCert = ca.sign(CertificateRequest.read(dir.resolve("bank-1.csr")), BANK, List.of(), YEAR);
    X509Certificate coordinatorCert = ca.sign(CertificateRequest.read(dir.resolve("central.csr")), CENTRAL,
        List.of("localhost", "127.0.0.1"), YEAR);

    assertEquals(BANK, SiteIdentity.fromCertificate(nodeCert));
    assertEquals("CN=bank-1,OU=node,O=Tandem", nodeCert.getSubjectX500Principal().getName());
    assertEquals(node.request().publicKey(), nodeCert.getPublicKey());
    nodeCert.verify(ca.certificate().getPublicKey());
    assertEquals(List.of("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"), coordinatorCert.getExtendedKeyUsage());
    assertEquals(2, ca.issued().size(), "both recorded in the CA index");

    X509Certificate caCert = ca.certificate();
    Handshake.Outcome outcome = Handshake.run("TLSv1.3",
        FederationTrust.keyManager(coordinatorCert, coordinator.key().privateKey(), caCert),
        FederationTrust.trustManager(caCert, CrlSource.none(), Role.NODE),
        FederationTrust.keyManager(nodeCert, node.key().privateKey(), caCert),
        FederationTrust.trustManager(caCert, CrlSource.none(), Role.COORDINATOR),
        "localhost");
    assertTrue(outcome.succeeded(), outcome.refusal());
    assertEquals(BANK, outcome.clientSeenByServer());
  }

  @Test
  void generate_hostNames_travelInTheRequest() {
    CertificateRequest request = CertificateRequest.generate(CENTRAL, List.of("Coord.Example.org", "::1")).request();
    assertEquals(List.of("coord.example.org", "0:0:0:0:0:0:0:1"), request.hostNames());
    assertEquals(CENTRAL, CertificateRequest.decode(request.pem(), "test").identity());
  }

  @Test
  void sign_requestForAnotherSite_refusedNamingBoth() {
    CertificateRequest request = CertificateRequest.generate(new SiteIdentity("bank-2", Role.NODE), List.of()).request();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ca.sign(request, BANK, List.of(), YEAR));
    assertTrue(e.getMessage().contains("'bank-2'") && e.getMessage().contains("'bank-1'")
        && e.getMessage().contains("refusing"), e.getMessage());
    assertTrue(ca.issued().isEmpty());
  }

  @Test
  void sign_requestForAnotherRole_refused() {
    CertificateRequest request = CertificateRequest.generate(new SiteIdentity("bank-1", Role.COORDINATOR),
        List.of("localhost")).request();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ca.sign(request, BANK, List.of("localhost"), YEAR));
    assertTrue(e.getMessage().contains("as coordinator") && e.getMessage().contains("as node"), e.getMessage());
    assertTrue(ca.issued().isEmpty());
  }

  @Test
  void sign_hostNameNotApproved_refused() {
    CertificateRequest request = CertificateRequest.generate(CENTRAL, List.of("localhost", "evil.example.org"))
        .request();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ca.sign(request, CENTRAL, List.of("localhost"), YEAR));
    assertTrue(e.getMessage().contains("evil.example.org"), e.getMessage());
  }

  @Test
  void decode_subjectAlteredAfterSigning_refused() {
    String pem = CertificateRequest.generate(new SiteIdentity("bank-2", Role.NODE), List.of()).request().pem();
    String tampered = replaceInDer(pem, "bank-2", "bank-1");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> CertificateRequest.decode(tampered, "bank-1.csr"));
    assertTrue(e.getMessage().contains("signature of bank-1.csr does not verify"), e.getMessage());
  }

  @Test
  void decode_notARequest_refused() {
    assertThrows(IllegalArgumentException.class,
        () -> CertificateRequest.decode(Pem.encode(ca.certificate()), "ca.pem"));
  }

  @Test
  void encryptedKey_rightPassphraseLoads_wrongOrMissingRefusedClearly(@TempDir Path dir) throws Exception {
    CertificateRequest.Generated generated = CertificateRequest.generate(BANK, List.of());
    Path key = dir.resolve("bank-1.key");
    generated.key().writeEncryptedTo(key, "correct horse battery".toCharArray());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
    // the file is a PKCS#8 EncryptedPrivateKeyInfo, and it does not read without the passphrase
    try (org.bouncycastle.openssl.PEMParser pem = new org.bouncycastle.openssl.PEMParser(Files.newBufferedReader(key))) {
      assertTrue(pem.readObject() instanceof org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo);
    }
    org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class, () -> Pem.readPrivateKey(key));

    Path passphraseFile = dir.resolve("passphrase");
    Files.writeString(passphraseFile, "correct horse battery\n");
    PrivateKey loaded = Pem.readPrivateKey(key, KeyPassphrase.fromFile(passphraseFile));
    assertArrayEquals(generated.key().privateKey().getEncoded(), loaded.getEncoded());
    PrivateKey fromEnvironment = Pem.readPrivateKey(key,
        KeyPassphrase.fileOrEnvironment(null, Map.of(KeyPassphrase.ENVIRONMENT_VARIABLE, "correct horse battery")));
    assertArrayEquals(generated.key().privateKey().getEncoded(), fromEnvironment.getEncoded());

    Files.writeString(passphraseFile, "wrong horse battery\n");
    IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
        () -> Pem.readPrivateKey(key, KeyPassphrase.fromFile(passphraseFile)));
    assertTrue(wrong.getMessage().contains("cannot decrypt the private key in " + key)
        && wrong.getMessage().contains("wrong passphrase") && wrong.getMessage().contains(passphraseFile.toString()),
        wrong.getMessage());
    assertFalse(wrong.getMessage().contains("wrong horse"), "the passphrase is never printed");

    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> Pem.readPrivateKey(key, KeyPassphrase.fileOrEnvironment(null, Map.of())));
    assertTrue(missing.getMessage().contains("encrypted private key and no passphrase")
        && missing.getMessage().contains("tls.keyPassphraseFile")
        && missing.getMessage().contains("TANDEM_KEY_PASSPHRASE"), missing.getMessage());
  }

  @Test
  void encryptedKey_shortPassphrase_refused(@TempDir Path dir) {
    CertificateRequest.Generated generated = CertificateRequest.generate(BANK, List.of());
    assertThrows(IllegalArgumentException.class,
        () -> generated.key().writeEncryptedTo(dir.resolve("k"), "short".toCharArray()));
  }

  @Test
  void generated_toString_omitsTheKey() {
    CertificateRequest.Generated generated = CertificateRequest.generate(BANK, List.of());
    String encoded = Base64.getEncoder().encodeToString(generated.key().privateKey().getEncoded());
    assertFalse(generated.toString().contains(encoded.substring(0, 20)), generated.toString());
  }

  /** Replaces ASCII text inside the DER of a PEM block, keeping its length, so that the DER still parses. */
  private static String replaceInDer(String pem, String from, String to) {
    String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    byte[] der = Base64.getDecoder().decode(body);
    String latin = new String(der, StandardCharsets.ISO_8859_1);
    assertTrue(latin.contains(from));
    byte[] changed = latin.replace(from, to).getBytes(StandardCharsets.ISO_8859_1);
    return Pem.block("CERTIFICATE REQUEST", changed);
  }
}
