package dev.tandem.crypto.seal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.SecureRandom;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class SealKeyPairTest {
  private static final HexFormat HEX = HexFormat.of();
  // RFC 7748, section 6.1.
  private static final byte[] ALICE_PRIVATE = HEX.parseHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
  private static final byte[] ALICE_PUBLIC = HEX.parseHex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
  private static final byte[] BOB_PRIVATE = HEX.parseHex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
  private static final byte[] BOB_PUBLIC = HEX.parseHex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
  private static final byte[] SHARED = HEX.parseHex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");

  @Test
  void publicKey_rfc7748Vector_matches() {
    assertArrayEquals(ALICE_PUBLIC, SealKeyPair.fromPrivateKeyInsecure(ALICE_PRIVATE).publicKey().encoded());
    assertArrayEquals(BOB_PUBLIC, SealKeyPair.fromPrivateKeyInsecure(BOB_PRIVATE).publicKey().encoded());
  }

  @Test
  void agree_rfc7748Vector_givesSharedSecretBothWays() throws SealException {
    SealKeyPair alice = SealKeyPair.fromPrivateKeyInsecure(ALICE_PRIVATE);
    SealKeyPair bob = SealKeyPair.fromPrivateKeyInsecure(BOB_PRIVATE);
    assertArrayEquals(SHARED, alice.agree(new SealPublicKey(BOB_PUBLIC)));
    assertArrayEquals(SHARED, bob.agree(new SealPublicKey(ALICE_PUBLIC)));
  }

  @Test
  void agree_lowOrderPoint_throwsSealException() {
    SealKeyPair alice = SealKeyPair.fromPrivateKeyInsecure(ALICE_PRIVATE);
    assertThrows(SealException.class, () -> alice.agree(new SealPublicKey(new byte[32])));
  }

  @Test
  void privateKeyInsecure_roundTrip_givesSameKeyPair() {
    SealKeyPair keys = SealKeyPair.generate(new SecureRandom());
    SealKeyPair copy = SealKeyPair.fromPrivateKeyInsecure(keys.privateKeyInsecure());
    assertEquals(keys.publicKey(), copy.publicKey());
  }

  @Test
  void generate_twice_givesDifferentKeys() {
    SecureRandom random = new SecureRandom();
    assertNotEquals(SealKeyPair.generate(random).publicKey(), SealKeyPair.generate(random).publicKey());
  }

  @Test
  void toString_neverShowsPrivateKey() {
    SealKeyPair keys = SealKeyPair.fromPrivateKeyInsecure(ALICE_PRIVATE);
    assertFalse(keys.toString().contains(HEX.formatHex(ALICE_PRIVATE)));
  }

  @Test
  void fromPrivateKeyInsecure_wrongLength_throws() {
    assertThrows(IllegalArgumentException.class, () -> SealKeyPair.fromPrivateKeyInsecure(new byte[31]));
  }

  @Test
  void sealPublicKey_wrongLength_throwsAndArraysAreCopied() {
    assertThrows(IllegalArgumentException.class, () -> new SealPublicKey(new byte[33]));
    byte[] raw = BOB_PUBLIC.clone();
    SealPublicKey key = new SealPublicKey(raw);
    raw[0] ^= 1;
    key.encoded()[1] ^= 1;
    assertArrayEquals(BOB_PUBLIC, key.encoded());
  }
}
