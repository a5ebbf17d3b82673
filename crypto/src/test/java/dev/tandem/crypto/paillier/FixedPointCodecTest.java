package dev.tandem.crypto.paillier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FixedPointCodecTest {
  private final PaillierPrivateKey key = TestKeys.testing();
  private final PaillierPublicKey pub = key.publicKey();
  private final BigInteger n = pub.modulus();
  private final FixedPointCodec codec = new FixedPointCodec(16);

  @Test
  void encodeDecode_randomDoubles_roundTripWithinHalfAnUlpOfTheGrid() {
    Random random = new Random(7);
    for (int i = 0; i < 1000; i++) {
      double x = (random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(12) - 3);
      assertEquals(x, codec.decode(codec.encode(x, pub), pub), 0x1p-17, "x=" + x);
    }
  }

  @Test
  void encode_negativeValue_isNMinusMagnitude() {
    assertEquals(n.subtract(BigInteger.valueOf(3 << 15)), codec.encode(-1.5, pub));
    assertEquals(BigInteger.valueOf(3 << 15), codec.encode(1.5, pub));
    assertEquals(BigInteger.ZERO, codec.encode(-0.0, pub));
  }

  @Test
  void encodeScalar_halfway_roundsHalfToEvenSymmetrically() {
    FixedPointCodec integers = new FixedPointCodec(0);
    assertEquals(2, integers.encodeScalar(2.5));
    assertEquals(-2, integers.encodeScalar(-2.5));
    assertEquals(4, integers.encodeScalar(3.5));
    assertEquals(-4, integers.encodeScalar(-3.5));
    assertEquals(-codec.encodeScalar(0.123456789), codec.encodeScalar(-0.123456789));
  }

  @Test
  void encryptedArithmetic_sumsAndScalarProducts_decodeWithCombinedCodec() {
    FixedPointCodec scalarCodec = new FixedPointCodec(8);
    double x = -3.25;
    double y = 1.125;
    PaillierCiphertext cx = pub.encrypt(codec.encode(x, pub), TestKeys.RANDOM);
    PaillierCiphertext cy = pub.encrypt(codec.encode(y, pub), TestKeys.RANDOM);
    assertEquals(x + y, codec.decode(key.decrypt(pub.add(cx, cy)), pub), 0.0);
    long s = scalarCodec.encodeScalar(-0.75);
    PaillierCiphertext product = pub.multiply(cx, s);
    assertEquals(x * -0.75, codec.times(scalarCodec).decode(key.decrypt(product), pub), 0.0);
    assertEquals(24, codec.times(scalarCodec).fractionalBits());
  }

  @Test
  void encode_largeMagnitudes_useExactBigIntegers() {
    FixedPointCodec wide = new FixedPointCodec(100);
    double x = -12345.5;
    BigInteger expected = BigInteger.valueOf(-24691).shiftLeft(99);
    assertEquals(expected, wide.encodeInteger(x));
    assertEquals(x, wide.decode(wide.encode(x, pub), pub), 0.0);
  }

  @Test
  void encode_notFiniteOrBeyondHalfN_isRefused() {
    assertThrows(IllegalArgumentException.class, () -> codec.encode(Double.NaN, pub));
    assertThrows(IllegalArgumentException.class, () -> codec.encode(Double.POSITIVE_INFINITY, pub));
    FixedPointCodec wide = new FixedPointCodec(1000);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> wide.encode(0x1p23, pub)); // 2^1023 > (n - 1)/2
    assertTrue(e.getMessage().contains("(n - 1)/2"));
    assertThrows(IllegalArgumentException.class, () -> FixedPointCodec.toPlaintext(n.shiftRight(1).add(BigInteger.ONE), pub));
    assertEquals(n.shiftRight(1), FixedPointCodec.toSigned(FixedPointCodec.toPlaintext(n.shiftRight(1), pub), pub));
    assertEquals(n.shiftRight(1).negate(),
        FixedPointCodec.toSigned(FixedPointCodec.toPlaintext(n.shiftRight(1).negate(), pub), pub));
    IllegalArgumentException indexed = assertThrows(IllegalArgumentException.class,
        () -> codec.encode(new double[] {1.0, Double.NaN}, pub));
    assertTrue(indexed.getMessage().startsWith("value 1"));
  }

  @Test
  void encodeScalar_beyondTwoToThe62_isRefused() {
    assertThrows(IllegalArgumentException.class, () -> codec.encodeScalar(0x1p46));
    assertEquals((1L << 61), codec.encodeScalar(0x1p45));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> codec.encodeScalars(new double[][] {{1.0}, {2.0, 0x1p50}}));
    assertTrue(e.getMessage().startsWith("value [1][1]"));
  }

  @Test
  void decode_plaintextOutsideZn_isRefused() {
    assertThrows(IllegalArgumentException.class, () -> codec.decode(n, pub));
    assertThrows(IllegalArgumentException.class, () -> new FixedPointCodec(-1));
  }
}
