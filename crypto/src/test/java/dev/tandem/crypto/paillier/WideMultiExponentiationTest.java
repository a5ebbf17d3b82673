package dev.tandem.crypto.paillier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import java.security.SecureRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WideMultiExponentiationTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static PaillierPrivateKey secret;
  private static PaillierPublicKey key;

  @BeforeAll
  static void keys() {
    secret = PaillierPrivateKey.generate(PaillierParameters.BITS_1024_TESTING_ONLY, RANDOM);
    key = secret.publicKey();
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 40, 600})
  void product_wideExponents_equalsOneExponentiationPerTerm(int count) {
    PaillierCiphertext[] bases = new PaillierCiphertext[count];
    BigInteger[] exps = new BigInteger[count];
    BigInteger expected = BigInteger.ONE;
    BigInteger plain = BigInteger.ZERO;
    for (int i = 0; i < count; i++) {
      bases[i] = key.encrypt(BigInteger.valueOf(i + 1), RANDOM);
      exps[i] = i % 7 == 0 ? BigInteger.ZERO : new BigInteger(96 + i % 5, RANDOM);
      expected = expected.multiply(bases[i].value().modPow(exps[i], key.nSquared())).mod(key.nSquared());
      plain = plain.add(exps[i].multiply(BigInteger.valueOf(i + 1)));
    }
    PaillierCiphertext got = WideMultiExponentiation.product(key, bases, exps);
    assertEquals(expected, got.value());
    assertEquals(plain.mod(key.modulus()), secret.decrypt(got));
  }

  @Test
  void product_negativeExponentOrLengthMismatch_refused() {
    PaillierCiphertext c = key.encrypt(BigInteger.ONE, RANDOM);
    assertThrows(IllegalArgumentException.class,
        () -> WideMultiExponentiation.product(key, new PaillierCiphertext[] {c}, new BigInteger[] {BigInteger.valueOf(-1)}));
    assertThrows(IllegalArgumentException.class,
        () -> WideMultiExponentiation.product(key, new PaillierCiphertext[] {c, c}, new BigInteger[] {BigInteger.ONE}));
  }
}
