package dev.tandem.node.secagg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.certs.CrlSource;
import dev.tandem.certs.FederationTrust;
import dev.tandem.certs.IssuedCertificate;
import dev.tandem.certs.Role;
import dev.tandem.certs.testing.TestPki;
import dev.tandem.crypto.secagg.EcdsaKeyAdvertisementSigner;
import dev.tandem.crypto.secagg.FixedPoint;
import dev.tandem.crypto.secagg.SecAggConfig;
import dev.tandem.crypto.secagg.SecAggException;
import dev.tandem.crypto.secagg.MaskedInput;
import dev.tandem.crypto.secagg.SealedShares;
import dev.tandem.crypto.secagg.ShareComplaint;
import dev.tandem.crypto.seal.SealedMessage;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A site checks every relayed certificate before it trusts an advertised key. */
class SecureRoundsTest {
  private final TestPki pki = TestPki.create();
  private final Map<String, IssuedCertificate> certs = Map.of("a", pki.node("a"), "b", pki.node("b"),
      "c", pki.node("c"));
  private final SecAggConfig config = new SecAggConfig("job/r1", List.of("a", "b", "c"), 2,
      FixedPoint.forSum(3, 1 << 30, 16), 4);

  private SecureRounds site(String id) {
    return new SecureRounds(id, new EcdsaKeyAdvertisementSigner(certs.get(id).privateKey()),
        FederationTrust.trustManager(pki.ca().certificate(), CrlSource.fixed(pki.ca().crl()), Role.NODE),
        pki.ca().certificate(), new SecureRandom());
  }

  private static byte[] der(IssuedCertificate c) throws Exception {
    return c.certificate().getEncoded();
  }

  @Test
  void shareKeys_genuineCertificates_producesSharesForTheOthers() throws Exception {
    SecureRounds a = site("a");
    SecureRounds b = site("b");
    SecureRounds c = site("c");
    double[] in = {1, 2, 3, 4};
    List<byte[]> adverts = List.of(a.begin("j", config, in), b.begin("j", config, in), c.begin("j", config, in));
    List<byte[]> shares = a.shareKeys("j", adverts, List.of(der(certs.get("a")), der(certs.get("b")),
        der(certs.get("c"))));
    assertEquals(2, shares.size(), "one sealed pair of shares for each other site");
  }

  @Test
  void shareKeys_coordinatorSubstitutesAKeyAndCertificate_detectedAsForged() throws Exception {
    SecureRounds a = site("a");
    SecureRounds b = site("b");
    double[] in = {1, 2, 3, 4};
    byte[] advertA = a.begin("j", config, in);
    byte[] advertB = b.begin("j", config, in);
    // the coordinator plays site c with keys of its own, under a certificate from its own CA
    TestPki rogue = TestPki.create();
    IssuedCertificate fakeC = rogue.node("c");
    SecureRounds impostor = new SecureRounds("c", new EcdsaKeyAdvertisementSigner(fakeC.privateKey()),
        FederationTrust.trustManager(rogue.ca().certificate(), CrlSource.none(), Role.NODE),
        rogue.ca().certificate(), new SecureRandom());
    byte[] advertC = impostor.begin("j", config, in);
    SecAggException e = assertThrows(SecAggException.class,
        () -> a.shareKeys("j", List.of(advertA, advertB, advertC),
            List.of(der(certs.get("a")), der(certs.get("b")), der(fakeC))));
    assertEquals(SecAggException.Reason.FORGED_KEY, e.reason());
    assertTrue(e.getMessage().contains("site 'c'"), e.getMessage());
  }

  @Test
  void shareKeys_certificateOfAnotherSite_detectedAsForged() throws Exception {
    SecureRounds a = site("a");
    double[] in = {1, 2, 3, 4};
    List<byte[]> adverts = List.of(a.begin("j", config, in), site("b").begin("j", config, in),
        site("c").begin("j", config, in));
    SecAggException e = assertThrows(SecAggException.class, () -> a.shareKeys("j", adverts,
        List.of(der(certs.get("a")), der(certs.get("c")), der(certs.get("c")))));
    assertEquals(SecAggException.Reason.FORGED_KEY, e.reason());
    assertTrue(e.getMessage().contains("node certificate of site 'c'"), e.getMessage());
  }

  @Test
  void shareKeys_revokedCertificate_detectedAsForged() throws Exception {
    pki.ca().revoke(certs.get("b").certificate().getSerialNumber());
    SecureRounds a = site("a");
    double[] in = {1, 2, 3, 4};
    List<byte[]> adverts = List.of(a.begin("j", config, in), site("b").begin("j", config, in),
        site("c").begin("j", config, in));
    SecAggException e = assertThrows(SecAggException.class, () -> a.shareKeys("j", adverts,
        List.of(der(certs.get("a")), der(certs.get("b")), der(certs.get("c")))));
    assertTrue(e.getMessage().contains("revoked"), e.getMessage());
  }

  @Test
  void input_valueOutsideTheEncodingRange_refused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SecureRounds.input(new double[] {1e9}, 10, 0.5, 1 << 30));
    assertTrue(e.getMessage().contains("outside the secure aggregation range"), e.getMessage());
    assertEquals(List.of(20.0, 10.0, 5.0), java.util.Arrays.stream(SecureRounds.input(new double[] {2}, 10, 0.5,
        1 << 30)).boxed().toList());
  }

  @Test
  void maskInput_sharesFromOneSiteDoNotOpen_complainsWithTheMaskedInputInsteadOfAborting() throws Exception {
    // Site b seals garbage to a and signs it. Before, a's round ended with an error (a dropped out);
    // now a sends its masked input followed by a complaint the coordinator can check.
    SecureRounds a = site("a");
    SecureRounds b = site("b");
    SecureRounds c = site("c");
    double[] in = {1, 2, 3, 4};
    List<byte[]> adverts = List.of(a.begin("j", config, in), b.begin("j", config, in), c.begin("j", config, in));
    List<byte[]> ders = List.of(der(certs.get("a")), der(certs.get("b")), der(certs.get("c")));
    a.shareKeys("j", adverts, ders);
    SealedShares fromB = b.shareKeys("j", adverts, ders).stream().map(SealedShares::fromBytes)
        .filter(x -> x.recipient().equals("a")).findFirst().orElseThrow();
    SealedShares fromC = c.shareKeys("j", adverts, ders).stream().map(SealedShares::fromBytes)
        .filter(x -> x.recipient().equals("a")).findFirst().orElseThrow();
    SealedMessage m = fromB.sealed();
    byte[] ciphertext = m.ciphertext();
    ciphertext[0] ^= 1;
    SealedShares draft = new SealedShares(new SealedMessage("b", "a", m.roundId(), m.purpose(), m.nonce(), ciphertext),
        new byte[] {0});
    SealedShares garbage = new SealedShares(draft.sealed(),
        new EcdsaKeyAdvertisementSigner(certs.get("b").privateKey()).sign(draft.signedPayload()));
    List<byte[]> payload = a.maskInput("j", List.of(garbage.toBytes(), fromC.toBytes()));
    assertEquals(2, payload.size(), "the masked input, then one complaint");
    MaskedInput.fromBytes(payload.get(0));
    ShareComplaint complaint = ShareComplaint.fromBytes(payload.get(1));
    assertEquals("a", complaint.complainer());
    assertEquals("b", complaint.accused());
  }
}
