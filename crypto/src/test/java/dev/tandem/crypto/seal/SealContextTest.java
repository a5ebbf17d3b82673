package dev.tandem.crypto.seal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class SealContextTest {
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void hkdfSha256_rfc5869TestCase1_matches() {
    byte[] ikm = new byte[22];
    Arrays.fill(ikm, (byte) 0x0b);
    byte[] okm = SealContext.hkdfSha256(ikm, HEX.parseHex("000102030405060708090a0b0c"),
        HEX.parseHex("f0f1f2f3f4f5f6f7f8f9"), 42);
    assertArrayEquals(HEX.parseHex(
        "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"), okm);
  }

  @Test
  void deriveKey_swappedDirectionOrRound_differs() {
    byte[] shared = new byte[32];
    Arrays.fill(shared, (byte) 7);
    SealPublicKey a = new SealPublicKey(HEX.parseHex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"));
    SealPublicKey b = new SealPublicKey(HEX.parseHex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f"));
    byte[] ab = SealContext.deriveKey(shared, "a", "b", "r1", a, b);
    assertFalse(Arrays.equals(ab, SealContext.deriveKey(shared, "b", "a", "r1", b, a)));
    assertFalse(Arrays.equals(ab, SealContext.deriveKey(shared, "a", "b", "r2", a, b)));
    // Length prefixes keep ("ab", "c") and ("a", "bc") apart.
    assertFalse(Arrays.equals(SealContext.associatedData("ab", "c", "r", "p"),
        SealContext.associatedData("a", "bc", "r", "p")));
  }
}
