package dev.tandem.crypto.seal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SealerOpenerTest {
  private static final String ROUND = "round-7";
  private static final String PURPOSE = "test/purpose";
  private static final byte[] PLAINTEXT = "shares of a secret".getBytes(StandardCharsets.UTF_8);

  private final SecureRandom random = new SecureRandom();
  private final SealKeyPair alice = SealKeyPair.generate(random);
  private final SealKeyPair bob = SealKeyPair.generate(random);
  private final SealKeyPair carol = SealKeyPair.generate(random);
  private final Sealer aliceSealer = new Sealer("alice", alice, random);
  private final Opener bobOpener = new Opener("bob", bob);

  private SealedMessage sealForBob() throws SealException {
    return aliceSealer.seal("bob", bob.publicKey(), ROUND, PURPOSE, PLAINTEXT);
  }

  @Test
  void open_sealedForMe_returnsPlaintext() throws SealException {
    SealedMessage sealed = sealForBob();
    assertArrayEquals(PLAINTEXT, bobOpener.open(sealed, alice.publicKey(), ROUND, PURPOSE));
    assertArrayEquals(PLAINTEXT,
        bobOpener.open(SealedMessage.fromBytes(sealed.toBytes()), alice.publicKey(), ROUND, PURPOSE));
  }

  @Test
  void open_emptyPlaintext_roundTrips() throws SealException {
    SealedMessage sealed = aliceSealer.seal("bob", bob.publicKey(), ROUND, PURPOSE, new byte[0]);
    assertArrayEquals(new byte[0], bobOpener.open(sealed, alice.publicKey(), ROUND, PURPOSE));
  }

  @Test
  void seal_samePlaintextTwice_givesFreshNonceAndCiphertext() throws SealException {
    SealedMessage first = sealForBob();
    SealedMessage second = sealForBob();
    assertFalse(Arrays.equals(first.nonce(), second.nonce()));
    assertFalse(Arrays.equals(first.ciphertext(), second.ciphertext()));
  }

  @Test
  void seal_ciphertext_doesNotContainPlaintext() throws SealException {
    String wire = new String(sealForBob().toBytes(), StandardCharsets.ISO_8859_1);
    assertFalse(wire.contains(new String(PLAINTEXT, StandardCharsets.ISO_8859_1)));
  }

  @Test
  void open_anyCiphertextByteFlipped_throwsSealException() throws SealException {
    SealedMessage sealed = sealForBob();
    byte[] ciphertext = sealed.ciphertext();
    for (int i = 0; i < ciphertext.length; i++) {
      byte[] tampered = ciphertext.clone();
      tampered[i] ^= 0x01;
      SealedMessage message = new SealedMessage("alice", "bob", ROUND, PURPOSE, sealed.nonce(), tampered);
      assertThrows(SealException.class, () -> bobOpener.open(message, alice.publicKey(), ROUND, PURPOSE), "byte " + i);
    }
  }

  @Test
  void open_nonceFlipped_throwsSealException() throws SealException {
    SealedMessage sealed = sealForBob();
    byte[] nonce = sealed.nonce();
    nonce[11] ^= (byte) 0x80;
    SealedMessage message = new SealedMessage("alice", "bob", ROUND, PURPOSE, nonce, sealed.ciphertext());
    assertThrows(SealException.class, () -> bobOpener.open(message, alice.publicKey(), ROUND, PURPOSE));
  }

  @Test
  void open_headerRewritten_throwsSealException() throws SealException {
    SealedMessage sealed = sealForBob();
    SealedMessage otherRound = new SealedMessage("alice", "bob", "round-8", PURPOSE, sealed.nonce(), sealed.ciphertext());
    assertThrows(SealException.class, () -> bobOpener.open(otherRound, alice.publicKey(), "round-8", PURPOSE));
    SealedMessage otherPurpose = new SealedMessage("alice", "bob", ROUND, "other", sealed.nonce(), sealed.ciphertext());
    assertThrows(SealException.class, () -> bobOpener.open(otherPurpose, alice.publicKey(), ROUND, "other"));
    SealedMessage otherSender = new SealedMessage("mallory", "bob", ROUND, PURPOSE, sealed.nonce(), sealed.ciphertext());
    assertThrows(SealException.class, () -> bobOpener.open(otherSender, alice.publicKey(), ROUND, PURPOSE));
  }

  @Test
  void open_unexpectedRoundOrPurpose_throwsSealException() throws SealException {
    SealedMessage sealed = sealForBob();
    assertTrue(assertThrows(SealException.class, () -> bobOpener.open(sealed, alice.publicKey(), "round-8", PURPOSE))
        .getMessage().contains("round-8"));
    assertThrows(SealException.class, () -> bobOpener.open(sealed, alice.publicKey(), ROUND, "other"));
  }

  @Test
  void open_byOtherRecipient_throwsSealException() throws SealException {
    SealedMessage sealed = sealForBob();
    Opener carolOpener = new Opener("carol", carol);
    assertThrows(SealException.class, () -> carolOpener.open(sealed, alice.publicKey(), ROUND, PURPOSE));
    SealedMessage relabelled = new SealedMessage("alice", "carol", ROUND, PURPOSE, sealed.nonce(), sealed.ciphertext());
    assertThrows(SealException.class, () -> carolOpener.open(relabelled, alice.publicKey(), ROUND, PURPOSE));
    // Even holding Bob's key, the relay cannot redirect the message to another recipient name.
    Opener bobKeyAsCarol = new Opener("carol", bob);
    assertThrows(SealException.class, () -> bobKeyAsCarol.open(relabelled, alice.publicKey(), ROUND, PURPOSE));
  }

  @Test
  void open_wrongSenderKey_throwsSealException() throws SealException {
    SealedMessage sealed = sealForBob();
    assertThrows(SealException.class, () -> bobOpener.open(sealed, carol.publicKey(), ROUND, PURPOSE));
  }

  @Test
  void open_reflectedToSender_throwsSealException() throws SealException {
    // Bob's reply key direction differs: Alice cannot be fooled into opening her own message as Bob's.
    SealedMessage sealed = sealForBob();
    SealedMessage reflected = new SealedMessage("bob", "alice", ROUND, PURPOSE, sealed.nonce(), sealed.ciphertext());
    assertThrows(SealException.class,
        () -> new Opener("alice", alice).open(reflected, bob.publicKey(), ROUND, PURPOSE));
  }

  @Test
  void seal_lowOrderRecipientKey_throwsSealException() {
    assertThrows(SealException.class,
        () -> aliceSealer.seal("bob", new SealPublicKey(new byte[32]), ROUND, PURPOSE, PLAINTEXT));
  }

  @Test
  void seal_invalidIdentifier_throwsIllegalArgument() {
    assertThrows(IllegalArgumentException.class, () -> aliceSealer.seal("", bob.publicKey(), ROUND, PURPOSE, PLAINTEXT));
    assertThrows(IllegalArgumentException.class,
        () -> aliceSealer.seal("bob", bob.publicKey(), "r".repeat(257), PURPOSE, PLAINTEXT));
  }
}
