package dev.tandem.crypto.sharing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class RingTest {
  private static final SecureRandom RANDOM = new SecureRandom();

  @Test
  void encodeDecode_signedValues_roundTrip() {
    for (double v : new double[] {0, 1.5, -1.5, 123456.25, -0.0078125, -1e9}) {
      assertEquals(v, Ring.decode(Ring.encode(v, 16), 16), 1e-4);
    }
  }

  @Test
  void encode_notFinite_refused() {
    assertThrows(IllegalArgumentException.class, () -> Ring.encode(Double.NaN, 8));
    assertThrows(IllegalArgumentException.class, () -> Ring.encode(1e30, 16));
  }

  @Test
  void truncate_twoPartySharesOfSmallValues_floorWithinOne() {
    for (int i = 0; i < 20_000; i++) {
      long v = RANDOM.nextLong() >> 9; // |v| < 2^54
      BigInteger a = Ring.random(RANDOM);
      BigInteger b = Ring.subtract(Ring.of(v), a);
      BigInteger t = Ring.add(Ring.truncateFirst(a, 20), Ring.truncateSecond(b, 20));
      long expected = Math.floorDiv(v, 1L << 20);
      long got = Ring.signed(t).longValueExact();
      assertTrue(Math.abs(got - expected) <= 1, "v " + v + " truncated to " + got + ", expected " + expected);
    }
  }

  @Test
  void writeRead_uniformElements_roundTrip() {
    byte[] buf = new byte[Ring.BYTES * 2];
    for (int i = 0; i < 100; i++) {
      BigInteger a = Ring.random(RANDOM);
      Ring.write(a, buf, Ring.BYTES);
      assertEquals(a, Ring.read(buf, Ring.BYTES));
    }
  }
}
