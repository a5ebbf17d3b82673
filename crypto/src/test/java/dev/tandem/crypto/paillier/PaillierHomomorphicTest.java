package dev.tandem.crypto.paillier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PaillierHomomorphicTest {
  private final PaillierPrivateKey key = TestKeys.testing();
  private final PaillierPublicKey pub = key.publicKey();
  private final BigInteger n = pub.modulus();

  private PaillierCiphertext enc(BigInteger m) {
    return pub.encrypt(m, TestKeys.RANDOM);
  }

  @Test
  void encryptDecrypt_randomAndEdgePlaintexts_roundTrip() {
    BigInteger[] ms = {BigInteger.ZERO, BigInteger.ONE, n.subtract(BigInteger.ONE), n.shiftRight(1),
        TestKeys.randomPlaintext(pub), TestKeys.randomPlaintext(pub)};
    for (BigInteger m : ms) {
      PaillierCiphertext c = enc(m);
      assertTrue(c.value().compareTo(pub.nSquared()) < 0);
      assertEquals(m, key.decrypt(c));
    }
  }

  @Test
  void encrypt_samePlaintextTwice_givesDifferentCiphertexts() {
    Set<BigInteger> seen = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      assertTrue(seen.add(enc(BigInteger.ZERO).value()));
    }
  }

  @Test
  void encrypt_everyRandomnessVariant_decryptsCorrectly() {
    BigInteger m = TestKeys.randomPlaintext(pub);
    Obfuscator[] variants = {pub.newObfuscatorHiding(TestKeys.RANDOM),
        pub.newObfuscatorWithoutTable(TestKeys.RANDOM), pub.newObfuscator(TestKeys.RANDOM)};
    for (Obfuscator o : variants) {
      assertEquals(m, key.decrypt(pub.encryptWith(m, o)));
      // the randomness is an encryption of 0
      assertEquals(BigInteger.ZERO, key.decrypt(new PaillierCiphertext(o.residue())));
    }
  }

  @Test
  void tablePow_randomExponents_equalsModPow() {
    int bytes = PaillierParameters.BITS_1024_TESTING_ONLY.shortExponentBits() / 8;
    for (int i = 0; i < 20; i++) {
      byte[] a = new byte[bytes];
      TestKeys.RANDOM.nextBytes(a);
      if (i == 0) {
        a = new byte[bytes]; // zero exponent
      }
      assertEquals(pub.hs().modPow(new BigInteger(1, a), pub.nSquared()), pub.split().join(pub.table().pow(a)));
    }
    byte[] tooLong = new byte[bytes + 1];
    tooLong[0] = 1; // bit 8 * bytes, one past the exponent length
    assertThrows(IllegalArgumentException.class, () -> pub.table().pow(tooLong));
    assertEquals(pub.hs().modPow(BigInteger.ONE.shiftLeft(8 * bytes - 1), pub.nSquared()),
        pub.split().join(pub.table().pow(BigInteger.ONE.shiftLeft(8 * bytes - 1).toByteArray())));
  }

  @Test
  void add_randomPlaintexts_decryptsToSumModN() {
    for (int i = 0; i < 10; i++) {
      BigInteger a = TestKeys.randomPlaintext(pub);
      BigInteger b = TestKeys.randomPlaintext(pub);
      assertEquals(a.add(b).mod(n), key.decrypt(pub.add(enc(a), enc(b))));
      assertEquals(a.subtract(b).mod(n), key.decrypt(pub.subtract(enc(a), enc(b))));
      assertEquals(a.add(b).mod(n), key.decrypt(pub.addPlaintext(enc(a), b)));
    }
  }

  @Test
  void sum_manyCiphertexts_decryptsToSumModN() {
    BigInteger[] ms = new BigInteger[37];
    BigInteger expected = BigInteger.ZERO;
    for (int i = 0; i < ms.length; i++) {
      ms[i] = TestKeys.randomPlaintext(pub);
      expected = expected.add(ms[i]);
    }
    assertEquals(expected.mod(n), key.decrypt(pub.sum(pub.encryptAll(ms, TestKeys.RANDOM))));
    assertThrows(IllegalArgumentException.class, () -> pub.sum(new PaillierCiphertext[0]));
  }

  @Test
  void multiply_signedScalars_decryptsToProductModN() {
    BigInteger m = TestKeys.randomPlaintext(pub);
    PaillierCiphertext c = enc(m);
    long[] scalars = {0, 1, -1, 2, -2, 1234567, -7654321, Long.MAX_VALUE, -Long.MAX_VALUE};
    for (long s : scalars) {
      assertEquals(m.multiply(BigInteger.valueOf(s)).mod(n), key.decrypt(pub.multiply(c, s)), "s=" + s);
    }
    BigInteger big = n.subtract(BigInteger.TWO).negate();
    assertEquals(m.multiply(big).mod(n), key.decrypt(pub.multiply(c, big)));
    assertThrows(IllegalArgumentException.class, () -> pub.multiply(c, n));
  }

  @Test
  void negativeValues_addedAndScaled_decodeAsSigned() {
    BigInteger a = BigInteger.valueOf(-1000);
    BigInteger b = BigInteger.valueOf(250);
    PaillierCiphertext ca = enc(FixedPointCodec.toPlaintext(a, pub));
    PaillierCiphertext cb = enc(FixedPointCodec.toPlaintext(b, pub));
    assertEquals(n.subtract(BigInteger.valueOf(1000)), key.decrypt(ca));
    assertEquals(BigInteger.valueOf(-750), FixedPointCodec.toSigned(key.decrypt(pub.add(ca, cb)), pub));
    assertEquals(BigInteger.valueOf(3000), FixedPointCodec.toSigned(key.decrypt(pub.multiply(ca, -3)), pub));
    assertEquals(BigInteger.valueOf(1000), FixedPointCodec.toSigned(key.decrypt(pub.negate(ca)), pub));
  }

  @Test
  void rerandomize_ciphertext_changesValueKeepsPlaintext() {
    BigInteger m = TestKeys.randomPlaintext(pub);
    PaillierCiphertext c = enc(m);
    PaillierCiphertext fresh = pub.rerandomize(c, TestKeys.RANDOM);
    assertNotEquals(c.value(), fresh.value());
    assertEquals(m, key.decrypt(fresh));
  }

  @Test
  void decrypt_crtOnRandomUnits_equalsTextbookDecryption() {
    for (int i = 0; i < 20; i++) {
      BigInteger u;
      do {
        u = new BigInteger(pub.nSquared().bitLength(), TestKeys.RANDOM);
      } while (u.signum() == 0 || u.compareTo(pub.nSquared()) >= 0 || !u.gcd(n).equals(BigInteger.ONE));
      PaillierCiphertext c = new PaillierCiphertext(u);
      assertEquals(key.decryptWithoutCrt(c), key.decrypt(c));
    }
  }

  @Test
  void encryptAllDecryptAll_parallel_roundTripInOrder() {
    BigInteger[] ms = new BigInteger[64];
    for (int i = 0; i < ms.length; i++) {
      ms[i] = BigInteger.valueOf(i * 1_000_003L);
    }
    assertArrayEquals(ms, key.decryptAll(pub.encryptAll(ms, TestKeys.RANDOM)));
  }

  @Test
  void encrypt_plaintextOutsideZn_isRefused() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> enc(n)).getMessage().contains("[0, n)"));
    assertThrows(IllegalArgumentException.class, () -> enc(BigInteger.valueOf(-1)));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> pub.encryptAll(new BigInteger[] {BigInteger.ONE, n}, TestKeys.RANDOM));
    assertTrue(e.getMessage().startsWith("plaintext 1"));
    assertThrows(IllegalArgumentException.class, () -> pub.addPlaintext(enc(BigInteger.ONE), n));
  }
}
