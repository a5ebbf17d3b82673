package dev.tandem.crypto.paillier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MontgomeryModulusTest {
  private static final SecureRandom RANDOM = new SecureRandom();

  /** The build passes --add-opens java.base/java.math: without it every Paillier product is 2x slower. */
  @Test
  void kernel_reachableInTheBuildsJvm() {
    assertTrue(MontgomeryModulus.kernelAvailable(),
        "run the JVM with --add-opens java.base/java.math=ALL-UNNAMED (pom argLine, ./tandem, bench/run.sh)");
  }

  @ParameterizedTest
  @ValueSource(ints = {65, 1000, 2047, 4095, 4096})
  void chainsOfProductsAndSquares_equalBigIntegerArithmetic(int bits) {
    BigInteger m = new BigInteger(bits, RANDOM).setBit(bits - 1).setBit(0);
    MontgomeryModulus arithmetic = MontgomeryModulus.forModulus(m).orElseThrow();
    BigInteger expected = BigInteger.ONE;
    int[] acc = arithmetic.enter(BigInteger.ONE);
    // values near m, 0 and 1 as well as random ones; enough steps for HotSpot to compile the kernel
    BigInteger[] values = {m.subtract(BigInteger.ONE), BigInteger.ZERO, BigInteger.ONE, new BigInteger(bits, RANDOM).mod(m)};
    for (int i = 0; i < 3000; i++) {
      BigInteger v = i < values.length ? values[i] : new BigInteger(bits, RANDOM).mod(m);
      if (v.signum() == 0) {
        assertEquals(BigInteger.ZERO, arithmetic.leave(arithmetic.multiply(acc, arithmetic.enter(v))));
        continue;
      }
      acc = i % 3 == 0 ? arithmetic.square(arithmetic.multiply(acc, arithmetic.enter(v)))
          : arithmetic.multiply(acc, arithmetic.enter(v));
      expected = i % 3 == 0 ? expected.multiply(v).mod(m).pow(2).mod(m) : expected.multiply(v).mod(m);
    }
    assertEquals(expected, arithmetic.leave(acc));
  }

  @Test
  void evenModulus_notOffered() {
    assertTrue(MontgomeryModulus.forModulus(BigInteger.ONE.shiftLeft(2048)).isEmpty());
  }
}
