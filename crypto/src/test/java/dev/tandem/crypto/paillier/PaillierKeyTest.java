package dev.tandem.crypto.paillier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PaillierKeyTest {
  private final PaillierPrivateKey key = TestKeys.testing();
  private final PaillierPublicKey publicKey = key.publicKey();

  private static BigInteger[] primesOf(byte[] privateKeyBytes, PaillierParameters parameters) {
    int primeBytes = parameters.modulusBits() / 16;
    return new BigInteger[] {
        new BigInteger(1, Arrays.copyOfRange(privateKeyBytes, 2, 2 + primeBytes)),
        new BigInteger(1, Arrays.copyOfRange(privateKeyBytes, 2 + primeBytes, 2 + 2 * primeBytes))};
  }

  @Test
  void generate_testingParameters_hasTheStatedPrimeStructure() {
    PaillierParameters parameters = PaillierParameters.BITS_1024_TESTING_ONLY;
    BigInteger[] pq = primesOf(key.toBytesInsecure(), parameters);
    BigInteger p = pq[0];
    BigInteger q = pq[1];
    BigInteger four = BigInteger.valueOf(4);
    assertEquals(1024, publicKey.modulus().bitLength());
    assertEquals(p.multiply(q), publicKey.modulus());
    assertEquals(512, p.bitLength());
    assertEquals(512, q.bitLength());
    assertTrue(p.isProbablePrime(64) && q.isProbablePrime(64));
    assertEquals(BigInteger.valueOf(3), p.mod(four));
    assertEquals(BigInteger.valueOf(3), q.mod(four));
    assertEquals(BigInteger.TWO, p.subtract(BigInteger.ONE).gcd(q.subtract(BigInteger.ONE)));
    assertTrue(p.subtract(q).abs().bitLength() > 512 - 100);
    // h_s is an n-th residue: h_s^lambda = 1 mod n^2
    BigInteger lambda = p.subtract(BigInteger.ONE).multiply(q.subtract(BigInteger.ONE)).shiftRight(1);
    assertEquals(BigInteger.ONE, publicKey.hs().modPow(lambda, publicKey.nSquared()));
  }

  @Test
  void publicKey_toBytesAndBack_isEqualAndEncryptsForTheSameKey() {
    byte[] bytes = publicKey.toBytes();
    assertEquals(2 + 128 + 256, bytes.length);
    PaillierPublicKey restored = PaillierPublicKey.fromBytes(bytes);
    assertEquals(publicKey, restored);
    assertEquals(publicKey.hashCode(), restored.hashCode());
    assertSame(PaillierParameters.BITS_1024_TESTING_ONLY, restored.parameters());
    BigInteger m = BigInteger.valueOf(123456789);
    assertEquals(m, key.decrypt(restored.encrypt(m, TestKeys.RANDOM)));
  }

  @Test
  void privateKey_toBytesInsecureAndBack_decryptsTheSame() {
    PaillierPrivateKey restored = PaillierPrivateKey.fromBytesInsecure(key.toBytesInsecure());
    assertEquals(publicKey, restored.publicKey());
    PaillierCiphertext c = publicKey.encrypt(BigInteger.valueOf(-5).mod(publicKey.modulus()), TestKeys.RANDOM);
    assertEquals(key.decrypt(c), restored.decrypt(c));
  }

  @Test
  void publicKeyFromBytes_tampered_isRefusedWithClearMessage() {
    byte[] good = publicKey.toBytes();
    byte[] version = good.clone();
    version[0] = 9;
    assertTrue(assertThrows(IllegalArgumentException.class, () -> PaillierPublicKey.fromBytes(version))
        .getMessage().contains("version"));
    byte[] unknownSet = good.clone();
    unknownSet[1] = 42;
    assertTrue(assertThrows(IllegalArgumentException.class, () -> PaillierPublicKey.fromBytes(unknownSet))
        .getMessage().contains("parameter set"));
    assertThrows(IllegalArgumentException.class,
        () -> PaillierPublicKey.fromBytes(Arrays.copyOf(good, good.length - 1)));
    byte[] evenModulus = good.clone();
    evenModulus[2 + 127] ^= 1;
    assertTrue(assertThrows(IllegalArgumentException.class, () -> PaillierPublicKey.fromBytes(evenModulus))
        .getMessage().contains("odd"));
    byte[] hsOne = good.clone();
    Arrays.fill(hsOne, 2 + 128, hsOne.length, (byte) 0);
    hsOne[hsOne.length - 1] = 1;
    assertTrue(assertThrows(IllegalArgumentException.class, () -> PaillierPublicKey.fromBytes(hsOne))
        .getMessage().contains("h_s"));
  }

  @Test
  void privateKeyFromBytesInsecure_hsNotAnNthResidue_isRefused() {
    byte[] bytes = key.toBytesInsecure();
    int hsOffset = 2 + 2 * 64;
    BigInteger n = publicKey.modulus();
    // (1 + n) h_s is a unit, not 1 mod n, but encrypts 1: not an n-th residue
    BigInteger bad = publicKey.hs().multiply(n.add(BigInteger.ONE)).mod(publicKey.nSquared());
    System.arraycopy(FixedLengthBytes.encode(bad, 256), 0, bytes, hsOffset, 256);
    assertTrue(assertThrows(IllegalArgumentException.class, () -> PaillierPrivateKey.fromBytesInsecure(bytes))
        .getMessage().contains("n-th residue"));
  }

  @Test
  void privateKeyFromBytesInsecure_compositePrime_isRefused() {
    byte[] bytes = key.toBytesInsecure();
    BigInteger[] pq = primesOf(bytes, PaillierParameters.BITS_1024_TESTING_ONLY);
    BigInteger composite = pq[0].add(BigInteger.TWO);
    while (composite.isProbablePrime(64)) {
      composite = composite.add(BigInteger.TWO);
    }
    System.arraycopy(FixedLengthBytes.encode(composite, 64), 0, bytes, 2, 64);
    assertThrows(IllegalArgumentException.class, () -> PaillierPrivateKey.fromBytesInsecure(bytes));
  }

  @Test
  void toString_keys_doNotShowThePrimes() {
    BigInteger[] pq = primesOf(key.toBytesInsecure(), PaillierParameters.BITS_1024_TESTING_ONLY);
    for (String s : new String[] {key.toString(), publicKey.toString()}) {
      assertFalse(s.contains(pq[0].toString(16).substring(0, 12)));
      assertFalse(s.contains(pq[0].toString().substring(0, 12)));
      assertTrue(s.contains("BITS_1024_TESTING_ONLY"));
    }
  }

  @Test
  void parameters_byName_findsNamedSetsAndDefaultIs2048() {
    assertSame(PaillierParameters.BITS_2048, PaillierParameters.DEFAULT);
    assertSame(PaillierParameters.BITS_3072, PaillierParameters.byName("BITS_3072"));
    assertEquals(448, PaillierParameters.BITS_2048.shortExponentBits());
    assertEquals(512, PaillierParameters.BITS_2048.ciphertextBytes());
    assertThrows(IllegalArgumentException.class, () -> PaillierParameters.byName("BITS_512"));
  }

  @Test
  void generate_bits2048_roundTripsAndCrtEqualsTextbook() {
    PaillierPrivateKey big = PaillierPrivateKey.generate(PaillierParameters.BITS_2048, TestKeys.RANDOM);
    PaillierPublicKey pub = big.publicKey();
    assertEquals(2048, pub.modulus().bitLength());
    FixedPointCodec codec = new FixedPointCodec(20);
    double[] values = {0.0, 1.5, -1.5, -123456.75, 3.0e9, -1.0 / 3};
    PaillierCiphertext[] cs = new PaillierCiphertext[values.length];
    for (int i = 0; i < values.length; i++) { // single encryptions: no table build for 6 values
      cs[i] = pub.encrypt(codec.encode(values[i], pub), TestKeys.RANDOM);
    }
    double[] back = codec.decode(big.decryptAll(cs), pub);
    for (int i = 0; i < values.length; i++) {
      assertEquals(values[i], back[i], 0x1p-20, "value " + i);
      assertEquals(big.decryptWithoutCrt(cs[i]), big.decrypt(cs[i]));
    }
    PaillierCiphertext sum = pub.add(cs[1], cs[3]);
    assertEquals(1.5 - 123456.75, codec.decode(big.decrypt(sum), pub), 0.0);
    assertNotEquals(cs[1].value(), pub.rerandomize(cs[1], TestKeys.RANDOM).value());
    assertArrayEquals(cs[2].toBytes(pub), PaillierCiphertext.fromBytes(pub, cs[2].toBytes(pub)).toBytes(pub));
  }

  @Test
  void inverse_liftedFromModN_equalsModInverseModNSquared_andRefusesNonUnits() {
    PaillierPublicKey pub = key.publicKey();
    BigInteger nSquared = pub.nSquared();
    for (int i = 0; i < 50; i++) {
      BigInteger v = new BigInteger(nSquared.bitLength() + 8, TestKeys.RANDOM).mod(nSquared);
      if (v.signum() == 0 || !v.gcd(pub.modulus()).equals(BigInteger.ONE)) {
        continue;
      }
      assertEquals(v.modInverse(nSquared), pub.inverse(v));
    }
    assertEquals(BigInteger.ONE, pub.inverse(BigInteger.ONE));
    assertEquals(nSquared.subtract(BigInteger.ONE), pub.inverse(nSquared.subtract(BigInteger.ONE)));
    assertThrows(IllegalArgumentException.class, () -> pub.inverse(pub.modulus()));
    assertThrows(IllegalArgumentException.class, () -> pub.inverse(pub.modulus().multiply(BigInteger.TWO)));
  }
}
