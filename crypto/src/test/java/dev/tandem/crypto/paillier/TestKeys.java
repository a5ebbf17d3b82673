package dev.tandem.crypto.paillier;

import java.math.BigInteger;
import java.security.SecureRandom;

/** Keys minted in memory once per test JVM. */
final class TestKeys {
  static final SecureRandom RANDOM = new SecureRandom();
  private static PaillierPrivateKey testing;

  private TestKeys() {}

  /** Returns a shared BITS_1024_TESTING_ONLY key. */
  static synchronized PaillierPrivateKey testing() {
    if (testing == null) {
      testing = PaillierPrivateKey.generate(PaillierParameters.BITS_1024_TESTING_ONLY, RANDOM);
    }
    return testing;
  }

  /** Returns a uniform plaintext in [0, n). */
  static BigInteger randomPlaintext(PaillierPublicKey key) {
    BigInteger n = key.modulus();
    BigInteger m;
    do {
      m = new BigInteger(n.bitLength(), RANDOM);
    } while (m.compareTo(n) >= 0);
    return m;
  }

  /** Returns the signed value v as a plaintext: v mod n. */
  static BigInteger plaintextOf(BigInteger v, PaillierPublicKey key) {
    return v.mod(key.modulus());
  }
}
