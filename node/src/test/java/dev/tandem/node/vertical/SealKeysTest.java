package dev.tandem.node.vertical;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.tandem.certs.CrlSource;
import dev.tandem.certs.FederationTrust;
import dev.tandem.certs.IssuedCertificate;
import dev.tandem.certs.Role;
import dev.tandem.certs.testing.TestPki;
import dev.tandem.crypto.seal.SealKeyPair;
import dev.tandem.crypto.seal.SealPublicKey;
import dev.tandem.crypto.secagg.EcdsaKeyAdvertisementSigner;
import dev.tandem.proto.v1.SignedSealKey;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** A party trusts a relayed seal key only when the site it names signed it under a valid node certificate. */
class SealKeysTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private final TestPki pki = TestPki.create();
  private final IssuedCertificate a = pki.node("a");
  private final IssuedCertificate b = pki.node("b");
  private final SealPublicKey key = SealKeyPair.generate(RANDOM).publicKey();

  private SealKeys keys(TestPki ca, String site, IssuedCertificate cert) {
    return new SealKeys(site, new EcdsaKeyAdvertisementSigner(cert.privateKey()), cert.certificate(),
        FederationTrust.trustManager(ca.ca().certificate(), CrlSource.fixed(ca.ca().crl()), Role.NODE),
        ca.ca().certificate());
  }

  private Refusal refused(SignedSealKey signed) {
    return assertThrows(Refusal.class, () -> keys(pki, "a", a).verify("job-1", "b", signed));
  }

  @Test
  void signedBytes_givenJobSiteAndKey_contextLinesThenTheRawKey() {
    byte[] raw = new byte[32];
    Arrays.fill(raw, (byte) 7);
    byte[] expected = new byte[("tandem-vertical-seal-v1\njob-1\nb\n").length() + 32];
    byte[] head = "tandem-vertical-seal-v1\njob-1\nb\n".getBytes(StandardCharsets.UTF_8);
    System.arraycopy(head, 0, expected, 0, head.length);
    System.arraycopy(raw, 0, expected, head.length, 32);
    assertArrayEquals(expected, SealKeys.signedBytes("job-1", "b", raw));
  }

  @Test
  void verify_keySignedByItsSite_returnsTheKey() throws Exception {
    SignedSealKey signed = keys(pki, "b", b).sign("job-1", key);
    assertEquals("b", signed.getSite());
    assertEquals(key, keys(pki, "a", a).verify("job-1", "b", signed));
  }

  @Test
  void verify_flippedSignatureBit_refusedAsNotSigned() {
    SignedSealKey signed = keys(pki, "b", b).sign("job-1", key);
    byte[] sig = signed.getSignature().toByteArray();
    sig[sig.length - 1] ^= 1;
    Refusal r = refused(signed.toBuilder().setSignature(ByteString.copyFrom(sig)).build());
    assertEquals(Refusal.PERMISSION_DENIED, r.code());
    assertTrue(r.reason().contains("is not signed by that site"), r.reason());
  }

  @Test
  void verify_keyReplacedByTheRelay_refused() {
    SignedSealKey signed = keys(pki, "b", b).sign("job-1", key);
    SealPublicKey other = SealKeyPair.generate(RANDOM).publicKey();
    Refusal r = refused(signed.toBuilder().setPublicKey(ByteString.copyFrom(other.encoded())).build());
    assertEquals(Refusal.PERMISSION_DENIED, r.code());
  }

  @Test
  void verify_keySignedForAnotherJob_refused() {
    SignedSealKey signed = keys(pki, "b", b).sign("job-2", key);
    assertEquals(Refusal.PERMISSION_DENIED, refused(signed).code());
  }

  @Test
  void verify_certificateOfAnotherSite_refusedNamingItsOwner() {
    IssuedCertificate c = pki.node("c");
    SignedSealKey byC = keys(pki, "c", c).sign("job-1", key).toBuilder().setSite("b").build();
    Refusal r = refused(byC);
    assertEquals(Refusal.PERMISSION_DENIED, r.code());
    assertTrue(r.reason().contains("site 'c'"), r.reason());
  }

  @Test
  void verify_certificateOfAnotherFederation_refused() {
    TestPki rogue = TestPki.create();
    SignedSealKey forged = keys(rogue, "b", rogue.node("b")).sign("job-1", key);
    Refusal r = refused(forged);
    assertEquals(Refusal.PERMISSION_DENIED, r.code());
    assertTrue(r.reason().contains("is not trusted"), r.reason());
  }

  @Test
  void verify_revokedCertificate_refused() {
    SignedSealKey signed = keys(pki, "b", b).sign("job-1", key);
    pki.ca().revoke(b.certificate().getSerialNumber());
    Refusal r = refused(signed);
    assertTrue(r.reason().contains("revoked"), r.reason());
  }

  @Test
  void verify_coordinatorCertificate_refused() {
    IssuedCertificate coordinator = pki.coordinator("b");
    SignedSealKey signed = keys(pki, "b", coordinator).sign("job-1", key);
    assertEquals(Refusal.PERMISSION_DENIED, refused(signed).code());
  }

  @Test
  void verify_siteFieldDiffersFromTheExpectedSite_refusedAsMalformed() {
    SignedSealKey signed = keys(pki, "b", b).sign("job-1", key);
    Refusal r = assertThrows(Refusal.class, () -> keys(pki, "a", a).verify("job-1", "c", signed));
    assertEquals(Refusal.INVALID_ARGUMENT, r.code());
  }
}
