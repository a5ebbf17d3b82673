package dev.tandem.crypto.paillier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class PaillierCiphertextTest {
  private final PaillierPrivateKey key = TestKeys.testing();
  private final PaillierPublicKey pub = key.publicKey();
  private final BigInteger n = pub.modulus();

  private static void assertRefused(String fragment, org.junit.jupiter.api.function.Executable action) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, action);
    assertTrue(e.getMessage().contains(fragment), () -> "message '" + e.getMessage() + "' lacks " + fragment);
  }

  @Test
  void constructor_zeroOrNegative_isRefused() {
    assertRefused("positive", () -> new PaillierCiphertext(BigInteger.ZERO));
    assertRefused("positive", () -> new PaillierCiphertext(BigInteger.valueOf(-5)));
    assertThrows(NullPointerException.class, () -> new PaillierCiphertext(null));
  }

  @Test
  void toBytes_smallValue_isLeftPaddedToFixedLengthAndParsesBack() {
    PaillierCiphertext small = new PaillierCiphertext(BigInteger.valueOf(0x0102));
    byte[] bytes = small.toBytes(pub);
    assertEquals(256, bytes.length);
    assertEquals(1, bytes[254]);
    assertEquals(2, bytes[255]);
    assertEquals(small, PaillierCiphertext.fromBytes(pub, bytes));
    PaillierCiphertext c = pub.encrypt(BigInteger.TEN, TestKeys.RANDOM);
    assertArrayEquals(c.toBytes(pub), PaillierCiphertext.fromBytes(pub, c.toBytes(pub)).toBytes(pub));
    assertEquals(BigInteger.TEN, key.decrypt(PaillierCiphertext.fromBytes(pub, c.toBytes(pub))));
  }

  @Test
  void fromBytes_wrongLengthZeroOrOutOfRange_isRefused() {
    assertRefused("256 bytes", () -> PaillierCiphertext.fromBytes(pub, new byte[255]));
    assertRefused("256 bytes", () -> PaillierCiphertext.fromBytes(pub, new byte[257]));
    assertRefused("(0, n^2)", () -> PaillierCiphertext.fromBytes(pub, new byte[256]));
    byte[] tooBig = new byte[256];
    java.util.Arrays.fill(tooBig, (byte) 0xff);
    assertRefused("n^2", () -> PaillierCiphertext.fromBytes(pub, tooBig));
    byte[] exactlyNSquared = FixedLengthBytes.encode(pub.nSquared(), 257);
    assertRefused("n^2", () -> PaillierCiphertext.fromBytes(pub,
        java.util.Arrays.copyOfRange(exactlyNSquared, 1, 257)));
  }

  @Test
  void fromBytes_sharesFactorWithN_isRefused() {
    // n itself is below n^2 but not a unit
    assertRefused("shares a factor with n", () -> PaillierCiphertext.fromBytes(pub, FixedLengthBytes.encode(n, 256)));
    assertRefused("shares a factor with n", () -> key.decrypt(new PaillierCiphertext(n.multiply(BigInteger.TWO))));
  }

  @Test
  void fromBytesBatch_validValues_parseLikeOneByOne_andTheCulpritIsNamed() {
    int size = pub.parameters().ciphertextBytes();
    PaillierCiphertext[] cs = new PaillierCiphertext[6];
    byte[] wire = new byte[3 + cs.length * size];
    for (int i = 0; i < cs.length; i++) {
      cs[i] = pub.encrypt(BigInteger.valueOf(i), TestKeys.RANDOM);
      System.arraycopy(cs[i].toBytes(pub), 0, wire, 3 + i * size, size);
    }
    assertEquals(java.util.List.of(cs), java.util.List.of(PaillierCiphertext.fromBytes(pub, wire, 3, cs.length)));
    // a non-unit (n itself shares every factor with n) at index 4
    System.arraycopy(new PaillierCiphertext(pub.modulus()).toBytes(pub), 0, wire, 3 + 4 * size, size);
    assertRefused("ciphertext 4 shares a factor", () -> PaillierCiphertext.fromBytes(pub, wire, 3, cs.length));
    byte[] zero = wire.clone();
    java.util.Arrays.fill(zero, 3 + size, 3 + 2 * size, (byte) 0);
    assertRefused("ciphertext 1 must be in (0, n^2)", () -> PaillierCiphertext.fromBytes(pub, zero, 3, cs.length));
    assertRefused("do not fit", () -> PaillierCiphertext.fromBytes(pub, wire, 4, cs.length));
  }

  @Test
  void operations_outOfRangeCiphertext_areRefused() {
    PaillierCiphertext good = pub.encrypt(BigInteger.ONE, TestKeys.RANDOM);
    PaillierCiphertext tooBig = new PaillierCiphertext(pub.nSquared().add(BigInteger.ONE));
    assertRefused("n^2", () -> pub.add(good, tooBig));
    assertRefused("n^2", () -> pub.add(tooBig, good));
    assertRefused("n^2", () -> pub.multiply(tooBig, 3));
    assertRefused("n^2", () -> pub.negate(tooBig));
    assertRefused("n^2", () -> pub.addPlaintext(tooBig, BigInteger.ONE));
    assertRefused("n^2", () -> pub.rerandomize(tooBig, TestKeys.RANDOM));
    assertRefused("n^2", () -> key.decrypt(tooBig));
    assertRefused("n^2", () -> tooBig.toBytes(pub));
    assertRefused("ciphertext 1", () -> key.decryptAll(new PaillierCiphertext[] {good, tooBig}));
  }

  @Test
  void tamperedCiphertext_flippedBit_decryptsToSomethingElse() {
    PaillierCiphertext c = pub.encrypt(BigInteger.valueOf(77), TestKeys.RANDOM);
    byte[] bytes = c.toBytes(pub);
    bytes[200] ^= 0x10;
    PaillierCiphertext tampered = PaillierCiphertext.fromBytes(pub, bytes);
    assertNotEquals(BigInteger.valueOf(77), key.decrypt(tampered));
  }
}
