package dev.tandem.crypto.paillier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PreparedBasesTest {
  private static final SecureRandom RANDOM = TestKeys.RANDOM;
  private final PaillierPrivateKey secret = TestKeys.testing();
  private final PaillierPublicKey key = secret.publicKey();

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 13, 40})
  void product_equalsOneExponentiationPerTerm_forEveryExponentWidthUpToThePrepared(int count) {
    PaillierCiphertext[] bases = new PaillierCiphertext[count];
    for (int i = 0; i < count; i++) {
      bases[i] = key.encrypt(BigInteger.valueOf(3 * i + 1), RANDOM);
    }
    PreparedBases prepared = PreparedBases.prepare(key, bases, 96);
    for (int round = 0; round < 4; round++) { // the same bases meet new exponents
      BigInteger[] exps = new BigInteger[count];
      BigInteger expected = BigInteger.ONE;
      BigInteger plain = BigInteger.ZERO;
      for (int i = 0; i < count; i++) {
        exps[i] = i % 5 == 0 ? BigInteger.ZERO : new BigInteger(1 + RANDOM.nextInt(96), RANDOM);
        if (i == 1) {
          exps[i] = BigInteger.ONE.shiftLeft(96).subtract(BigInteger.ONE); // every chunk full
        }
        expected = expected.multiply(bases[i].value().modPow(exps[i], key.nSquared())).mod(key.nSquared());
        plain = plain.add(exps[i].multiply(BigInteger.valueOf(3 * i + 1)));
      }
      PaillierCiphertext got = prepared.product(exps);
      assertEquals(expected.signum() == 0 ? BigInteger.ONE : expected, got.value());
      assertEquals(plain.mod(key.modulus()), secret.decrypt(got));
    }
  }

  @Test
  void product_allZeroExponents_encryptsZero() {
    PreparedBases prepared = PreparedBases.prepare(key, new PaillierCiphertext[] {key.encrypt(BigInteger.TEN, RANDOM)}, 96);
    assertEquals(BigInteger.ZERO, secret.decrypt(prepared.product(new BigInteger[] {BigInteger.ZERO})));
  }

  @Test
  void product_wrongCountWideOrNegativeExponent_refused() {
    PaillierCiphertext c = key.encrypt(BigInteger.ONE, RANDOM);
    PreparedBases prepared = PreparedBases.prepare(key, new PaillierCiphertext[] {c, c}, 96);
    assertThrows(IllegalArgumentException.class, () -> prepared.product(new BigInteger[] {BigInteger.ONE}));
    assertThrows(IllegalArgumentException.class,
        () -> prepared.product(new BigInteger[] {BigInteger.ONE, BigInteger.ONE.shiftLeft(96)}));
    assertThrows(IllegalArgumentException.class,
        () -> prepared.product(new BigInteger[] {BigInteger.ONE, BigInteger.valueOf(-1)}));
    assertThrows(IllegalArgumentException.class, () -> PreparedBases.prepare(key, new PaillierCiphertext[0], 96));
  }
}
