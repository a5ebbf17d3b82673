package dev.tandem.crypto.paillier;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

/**
 * Known answers on a tiny fixed key: p = 19, q = 23 (n = 437, n^2 = 190969), x = 5, so
 * h = -25 mod n = 412 and h_s = 412^437 mod n^2 = 127371. The literal values were computed
 * independently (Python integers); the textbook formulas are recomputed here with BigInteger.
 */
class PaillierKnownAnswerTest {
  private static final BigInteger P = BigInteger.valueOf(19);
  private static final BigInteger Q = BigInteger.valueOf(23);
  private static final BigInteger N = BigInteger.valueOf(437);
  private static final BigInteger N2 = BigInteger.valueOf(190969);
  private static final BigInteger G = N.add(BigInteger.ONE);
  private static final PaillierPrivateKey KEY = PaillierPrivateKey.fromPrimes(
      PaillierParameters.forTesting(9, 8), P, Q, BigInteger.valueOf(5));
  private static final PaillierPublicKey PUBLIC = KEY.publicKey();

  private static PaillierCiphertext encrypt(long m, long a) {
    return PUBLIC.encryptWith(BigInteger.valueOf(m), PUBLIC.obfuscatorForExponent(BigInteger.valueOf(a)));
  }

  private static BigInteger textbook(long m, long a) {
    BigInteger h = N.subtract(BigInteger.valueOf(25));
    BigInteger r = h.modPow(BigInteger.valueOf(a), N); // h_s^a = (h^a)^n
    return G.modPow(BigInteger.valueOf(m), N2).multiply(r.modPow(N, N2)).mod(N2);
  }

  @Test
  void publicKey_fixedPrimesAndX_hasLiteralHs() {
    assertEquals(N, PUBLIC.modulus());
    assertEquals(BigInteger.valueOf(127371), PUBLIC.hs());
  }

  @Test
  void encrypt_fixedExponent_matchesLiteralAndTextbook() {
    assertEquals(BigInteger.valueOf(58257), encrypt(42, 7).value());
    assertEquals(textbook(42, 7), encrypt(42, 7).value());
    assertEquals(BigInteger.valueOf(67836), encrypt(400, 200).value());
    assertEquals(textbook(400, 200), encrypt(400, 200).value());
    for (long m = 0; m < 437; m += 13) {
      assertEquals(textbook(m, 99), encrypt(m, 99).value(), "m=" + m);
    }
  }

  @Test
  void decrypt_literalCiphertexts_givesPlaintextsWithAndWithoutCrt() {
    assertEquals(BigInteger.valueOf(42), KEY.decrypt(new PaillierCiphertext(BigInteger.valueOf(58257))));
    assertEquals(BigInteger.valueOf(400), KEY.decrypt(new PaillierCiphertext(BigInteger.valueOf(67836))));
    assertEquals(BigInteger.valueOf(42), KEY.decryptWithoutCrt(new PaillierCiphertext(BigInteger.valueOf(58257))));
    for (long m = 0; m < 437; m += 7) {
      assertEquals(BigInteger.valueOf(m), KEY.decrypt(encrypt(m, 200)), "m=" + m);
      assertEquals(BigInteger.valueOf(m), KEY.decryptWithoutCrt(encrypt(m, 200)), "m=" + m);
    }
  }

  @Test
  void add_literalCiphertexts_isProductModNSquaredAndSumModN() {
    PaillierCiphertext sum = PUBLIC.add(encrypt(42, 7), encrypt(400, 200));
    assertEquals(BigInteger.valueOf(9366), sum.value());
    assertEquals(BigInteger.valueOf(58257L * 67836L % 190969L), sum.value());
    assertEquals(BigInteger.valueOf((42 + 400) % 437), KEY.decrypt(sum));
  }

  @Test
  void multiply_literalCiphertext_isPowerAndNegativeIsInverse() {
    PaillierCiphertext c = encrypt(42, 7);
    assertEquals(BigInteger.valueOf(157404), PUBLIC.multiply(c, 3).value());
    assertEquals(BigInteger.valueOf(126), KEY.decrypt(PUBLIC.multiply(c, 3)));
    assertEquals(BigInteger.valueOf(155376), PUBLIC.multiply(c, -1).value());
    assertEquals(BigInteger.valueOf(155376), PUBLIC.negate(c).value());
    assertEquals(BigInteger.valueOf(437 - 42), KEY.decrypt(PUBLIC.negate(c)));
    assertEquals(BigInteger.ONE, PUBLIC.multiply(c, 0).value());
  }

  @Test
  void addPlaintext_literalCiphertext_isMultiplicationByOnePlusKN() {
    PaillierCiphertext c = encrypt(42, 7);
    BigInteger expected = c.value().multiply(BigInteger.ONE.add(BigInteger.TEN.multiply(N))).mod(N2);
    assertEquals(expected, PUBLIC.addPlaintext(c, BigInteger.TEN).value());
    assertEquals(BigInteger.valueOf(52), KEY.decrypt(PUBLIC.addPlaintext(c, BigInteger.TEN)));
  }

  @Test
  void tablePow_everyByte_equalsModPow() {
    for (int a = 0; a < 256; a++) {
      assertEquals(PUBLIC.hs().modPow(BigInteger.valueOf(a), N2), PUBLIC.split().join(PUBLIC.table().pow(new byte[] {(byte) a})),
          "a=" + a);
    }
  }

  @Test
  void toBytes_literalCiphertext_isFixedLengthBigEndian() {
    // 58257 = 0xE391; ciphertexts of a 9-bit modulus take ceil(18 / 8) = 3 bytes
    assertEquals(3, PUBLIC.parameters().ciphertextBytes());
    byte[] bytes = encrypt(42, 7).toBytes(PUBLIC);
    assertEquals(0, bytes[0]);
    assertEquals((byte) 0xE3, bytes[1]);
    assertEquals((byte) 0x91, bytes[2]);
  }
}
