package dev.tandem.crypto.paillier;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tandem.crypto.paillier.SplitModulus.Split;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class SplitModulusTest {
  private final PaillierPublicKey pub = TestKeys.testing().publicKey();
  private final BigInteger n = pub.modulus();
  private final BigInteger nSquared = pub.nSquared();
  private final SplitModulus arithmetic = new SplitModulus(n);

  private BigInteger randomBelow(BigInteger bound) {
    BigInteger x;
    do {
      x = new BigInteger(bound.bitLength(), TestKeys.RANDOM);
    } while (x.compareTo(bound) >= 0);
    return x;
  }

  @Test
  void multiply_randomAndEdgeResidues_equalsBigIntegerMod() {
    BigInteger[] values = {BigInteger.ZERO, BigInteger.ONE, n.subtract(BigInteger.ONE), n,
        nSquared.subtract(BigInteger.ONE), randomBelow(nSquared), randomBelow(nSquared), randomBelow(n)};
    for (BigInteger a : values) {
      for (BigInteger b : values) {
        Split product = arithmetic.multiply(arithmetic.split(a), arithmetic.split(b));
        assertEquals(a.multiply(b).mod(nSquared), arithmetic.join(product), a + " * " + b);
        assertEquals(a.multiply(b).mod(n), product.low());
      }
    }
    for (int i = 0; i < 200; i++) {
      BigInteger a = randomBelow(nSquared);
      BigInteger b = randomBelow(nSquared);
      assertEquals(a.multiply(b).mod(nSquared),
          arithmetic.join(arithmetic.multiply(arithmetic.split(a), arithmetic.split(b))));
    }
  }

  @Test
  void reduce_inputsUpToTheBound_equalsBigIntegerMod() {
    int words = (n.bitLength() + 31) / 32;
    BigInteger bound = BigInteger.ONE.shiftLeft(64 * words + 32);
    BigInteger[] inputs = {BigInteger.ZERO, n.subtract(BigInteger.ONE), n, nSquared.multiply(BigInteger.valueOf(3)),
        bound.subtract(BigInteger.ONE), randomBelow(bound), randomBelow(nSquared)};
    for (BigInteger x : inputs) {
      assertEquals(x.mod(n), arithmetic.reduce(x), x.toString(16));
    }
    Split s = arithmetic.split(nSquared.subtract(BigInteger.ONE));
    assertEquals(n.subtract(BigInteger.ONE), s.low());
    assertEquals(n.subtract(BigInteger.ONE), s.high());
  }
}
