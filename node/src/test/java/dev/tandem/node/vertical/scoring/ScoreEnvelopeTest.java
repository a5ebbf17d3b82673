package dev.tandem.node.vertical.scoring;

import static dev.tandem.node.vertical.scoring.ScoringSites.BANK;
import static dev.tandem.node.vertical.scoring.ScoringSites.OPERATOR;
import static dev.tandem.node.vertical.scoring.ScoringSites.VERSION;
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
import dev.tandem.crypto.seal.SealedMessage;
import dev.tandem.crypto.seal.Sealer;
import dev.tandem.crypto.secagg.EcdsaKeyAdvertisementSigner;
import dev.tandem.node.vertical.SealKeys;
import dev.tandem.proto.v1.Envelope;
import dev.tandem.proto.v1.SignedSealKey;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The sealed framing of partial scores, without stores: keys minted in memory. */
class ScoreEnvelopeTest {
  static final TestPki PKI = TestPki.create();
  static final SecureRandom RANDOM = new SecureRandom();
  static final byte[] PLAINTEXT = "c1\t0.8\nc2\t-".getBytes(StandardCharsets.UTF_8);

  final SealKeys bank = keys(BANK);
  final SealKeys operator = keys(OPERATOR);
  final SealKeyPair requester = SealKeyPair.generate(RANDOM);

  static SealKeys keys(String site) {
    IssuedCertificate cert = PKI.node(site);
    return new SealKeys(site, new EcdsaKeyAdvertisementSigner(cert.privateKey()), cert.certificate(),
        FederationTrust.trustManager(PKI.ca().certificate(), CrlSource.none(), Role.NODE), PKI.ca().certificate());
  }

  /** The operator's envelope to the bank, stamped by the relay. */
  Envelope fromOperator(byte[] plaintext) throws Exception {
    return ScoreEnvelope.seal(OPERATOR, operator, RANDOM, VERSION, BANK, requester.publicKey(), plaintext).toBuilder()
        .setFromSite(OPERATOR).build();
  }

  @Test
  void seal_thenOpen_givesThePlaintextBack() throws Exception {
    Envelope e = fromOperator(PLAINTEXT);
    assertEquals(BANK, e.getToSite());
    assertArrayEquals(PLAINTEXT, ScoreEnvelope.open(e, OPERATOR, BANK, requester, bank, VERSION));
  }

  @Test
  void frame_unframe_roundTrips() throws Exception {
    Envelope e = fromOperator(PLAINTEXT);
    ScoreEnvelope.Framed framed = ScoreEnvelope.unframe(e.getSealed().toByteArray());
    assertEquals(OPERATOR, framed.senderKey().getSite());
    assertEquals(OPERATOR, framed.sealed().sender());
    assertEquals(BANK, framed.sealed().recipient());
    assertEquals(VERSION + "/score", framed.sealed().roundId());
    assertEquals("tandem-vertical-v1", framed.sealed().purpose());
    assertArrayEquals(e.getSealed().toByteArray(), ScoreEnvelope.frame(framed.senderKey(), framed.sealed()));
  }

  @Test
  void open_anyFlippedByte_isBadAnswer() throws Exception {
    byte[] bytes = fromOperator(PLAINTEXT).getSealed().toByteArray();
    for (int i : new int[] {0, 5, 40, bytes.length / 2, bytes.length - 1}) {
      byte[] tampered = bytes.clone();
      tampered[i] ^= 1;
      Envelope e = Envelope.newBuilder().setFromSite(OPERATOR).setToSite(BANK).setSealed(ByteString.copyFrom(tampered))
          .build();
      ScoringException x = assertThrows(ScoringException.class,
          () -> ScoreEnvelope.open(e, OPERATOR, BANK, requester, bank, VERSION), "byte " + i);
      assertEquals(ScoringException.Reason.BAD_ANSWER, x.reason());
      assertTrue(x.getMessage().contains(OPERATOR), x.getMessage());
    }
  }

  @Test
  void open_truncated_isBadAnswer() throws Exception {
    byte[] bytes = fromOperator(PLAINTEXT).getSealed().toByteArray();
    for (int n : new int[] {0, 3, 8, 20, bytes.length - 1}) {
      Envelope e = Envelope.newBuilder().setFromSite(OPERATOR).setToSite(BANK)
          .setSealed(ByteString.copyFrom(Arrays.copyOf(bytes, n))).build();
      assertEquals(ScoringException.Reason.BAD_ANSWER, assertThrows(ScoringException.class,
          () -> ScoreEnvelope.open(e, OPERATOR, BANK, requester, bank, VERSION), "length " + n).reason());
    }
  }

  @Test
  void open_sealedByAnotherSiteButRelayedAsTheOperator_isBadAnswer() throws Exception {
    SealKeys mallory = keys("mallory");
    Envelope e = ScoreEnvelope.seal("mallory", mallory, RANDOM, VERSION, BANK, requester.publicKey(), PLAINTEXT)
        .toBuilder().setFromSite(OPERATOR).build();
    assertEquals(ScoringException.Reason.BAD_ANSWER, assertThrows(ScoringException.class,
        () -> ScoreEnvelope.open(e, OPERATOR, BANK, requester, bank, VERSION)).reason());
  }

  @Test
  void open_keySignedByAnotherSiteUnderTheOperatorsName_isBadAnswer() throws Exception {
    // the relay seals with a key of its own choosing as "operator" but can only sign it with another site's key
    SealKeys mallory = keys("mallory");
    SealKeyPair fake = SealKeyPair.generate(RANDOM);
    SealedMessage sealed = new Sealer(OPERATOR, fake, RANDOM).seal(BANK, requester.publicKey(),
        ScoreEnvelope.roundId(VERSION), ScoreEnvelope.PURPOSE, PLAINTEXT);
    SignedSealKey signed = mallory.sign(ScoreEnvelope.keyContext(VERSION), fake.publicKey()).toBuilder().setSite(OPERATOR)
        .build();
    Envelope e = Envelope.newBuilder().setFromSite(OPERATOR).setToSite(BANK)
        .setSealed(ByteString.copyFrom(ScoreEnvelope.frame(signed, sealed))).build();
    assertEquals(ScoringException.Reason.BAD_ANSWER, assertThrows(ScoringException.class,
        () -> ScoreEnvelope.open(e, OPERATOR, BANK, requester, bank, VERSION)).reason());
  }

  @Test
  void open_ofAnotherVersionOrAnotherRequesterKey_isBadAnswer() throws Exception {
    Envelope e = fromOperator(PLAINTEXT);
    assertEquals(ScoringException.Reason.BAD_ANSWER, assertThrows(ScoringException.class,
        () -> ScoreEnvelope.open(e, OPERATOR, BANK, requester, bank, "credit-job/v2")).reason());
    SealKeyPair stale = SealKeyPair.generate(RANDOM);
    assertEquals(ScoringException.Reason.BAD_ANSWER, assertThrows(ScoringException.class,
        () -> ScoreEnvelope.open(e, OPERATOR, BANK, stale, bank, VERSION)).reason());
  }

  @Test
  void open_addressedToAnotherSite_isBadAnswer() throws Exception {
    Envelope e = fromOperator(PLAINTEXT).toBuilder().setToSite("insurer").build();
    assertEquals(ScoringException.Reason.BAD_ANSWER, assertThrows(ScoringException.class,
        () -> ScoreEnvelope.open(e, OPERATOR, BANK, requester, bank, VERSION)).reason());
  }

  @Test
  void unframe_notAScoreEnvelope_throws() {
    assertThrows(IllegalArgumentException.class, () -> ScoreEnvelope.unframe(new byte[] {0x54, 0x53, 0x4C, 0x31, 0,
        0, 0, 0}));
    assertThrows(IllegalArgumentException.class, () -> ScoreEnvelope.unframe(new byte[] {0x54, 0x53, 0x43, 0x31, 0x7f,
        0, 0, 0}));
  }
}
