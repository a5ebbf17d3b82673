package dev.tandem.crypto.psi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigInteger;
import java.util.Random;
import org.bouncycastle.math.ec.rfc7748.X25519Field;
import org.junit.jupiter.api.Test;

class FeTest {
  private static final BigInteger P = Fe.P;

  @Test
  void fromBigEndian48_randomAndExtremeInputs_reducesModP() {
    Random random = new Random(5);
    for (int trial = 0; trial < 500; trial++) {
      byte[] bytes = new byte[48];
      if (trial == 0) {
        java.util.Arrays.fill(bytes, (byte) 0xFF);
      } else if (trial > 1) {
        random.nextBytes(bytes);
      }
      int[] z = Fe.create();
      Fe.fromBigEndian48(bytes, 0, z);
      assertEquals(new BigInteger(1, bytes).mod(P), Fe.toBigInteger(z), "trial " + trial);
    }
  }

  @Test
  void toBigInteger_valuesAtAndAboveP_areCanonical() {
    for (int delta = 0; delta < 19; delta++) {
      byte[] le = new byte[32];
      BigInteger value = P.add(BigInteger.valueOf(delta));
      byte[] be = value.toByteArray();
      for (int i = 0; i < 32; i++) {
        le[i] = be[be.length - 1 - i];
      }
      int[] z = Fe.create();
      X25519Field.decode(le, 0, z);
      assertEquals(BigInteger.valueOf(delta), Fe.toBigInteger(z), "p + " + delta);
    }
  }

  @Test
  void isNonZeroSquareVar_randomElements_agreesWithEulersCriterion() {
    Random random = new Random(9);
    BigInteger exponent = P.subtract(BigInteger.ONE).shiftRight(1);
    int squares = 0;
    for (int trial = 0; trial < 200; trial++) {
      BigInteger value = new BigInteger(255, random).mod(P);
      boolean expected = value.signum() != 0 && value.modPow(exponent, P).equals(BigInteger.ONE);
      assertEquals(expected, Fe.isNonZeroSquareVar(Fe.of(value)), value.toString(16));
      squares += expected ? 1 : 0;
    }
    assertEquals(false, Fe.isNonZeroSquareVar(Fe.of(BigInteger.ZERO)));
    assertEquals(true, squares > 50 && squares < 150, "squares " + squares);
  }

  @Test
  void constants_satisfyTheirDefinitions() {
    BigInteger sqrtM1 = Fe.toBigInteger(Fe.SQRT_M1);
    assertEquals(P.subtract(BigInteger.ONE), sqrtM1.multiply(sqrtM1).mod(P));
    BigInteger c1 = Fe.toBigInteger(Fe.SQRT_M486664);
    assertEquals(P.subtract(BigInteger.valueOf(486664)), c1.multiply(c1).mod(P));
    assertEquals(false, c1.testBit(0));
  }
}
