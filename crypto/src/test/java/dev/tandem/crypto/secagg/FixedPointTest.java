package dev.tandem.crypto.secagg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FixedPointTest {

  @Test
  void encode_inRange_roundsToNearestStep() {
    FixedPoint fp = new FixedPoint(4, 10.0);
    assertArrayEquals(new long[] {16, -16, 2, 0, 1, -1}, fp.encode(new double[] {1.0, -1.0, 0.125, 0.03, 0.0625, -0.0625}));
    assertArrayEquals(new long[] {1}, fp.encode(new double[] {0.03125})); // half rounds up
  }

  @Test
  void encode_outOfRange_clips() {
    FixedPoint fp = new FixedPoint(8, 2.0);
    assertArrayEquals(new long[] {512, -512, 512}, fp.encode(new double[] {5.0, -1e300, Double.MAX_VALUE}));
  }

  @Test
  void encode_nanOrInfinity_throwsNamingIndex() {
    FixedPoint fp = new FixedPoint(8, 2.0);
    IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
        () -> fp.encode(new double[] {0.0, 1.0, Double.NaN}));
    assertTrue(nan.getMessage().contains("values[2]"), nan.getMessage());
    IllegalArgumentException inf = assertThrows(IllegalArgumentException.class,
        () -> fp.encode(new double[] {Double.NEGATIVE_INFINITY}));
    assertTrue(inf.getMessage().contains("values[0]"), inf.getMessage());
  }

  @Test
  void decode_encoded_givesRoundedValue() {
    FixedPoint fp = new FixedPoint(16, 4.0);
    double x = 1.234567;
    assertEquals(Math.round(x * 65536) / 65536.0, fp.decode(fp.encode(new double[] {x}))[0]);
  }

  @ParameterizedTest
  @CsvSource({"7, 1.0, 16", "7, 3.5, 40", "200, 100.0, 20", "2, 1.0, 52"})
  void decode_sumOfEncodings_isExactSumOfRoundedValues(int parties, double clip, int bits) {
    FixedPoint fp = FixedPoint.forSum(parties, clip, bits);
    SplittableRandom random = new SplittableRandom(parties * 31L + bits);
    int d = 500;
    long[] sum = new long[d];
    BigDecimal[] exact = new BigDecimal[d];
    Arrays.fill(exact, BigDecimal.ZERO);
    for (int p = 0; p < parties; p++) {
      double[] x = new double[d];
      for (int i = 0; i < d; i++) {
        x[i] = (random.nextDouble() * 2.4 - 1.2) * clip;
      }
      long[] encoded = fp.encode(x);
      for (int i = 0; i < d; i++) {
        sum[i] += encoded[i];
        double clipped = Math.max(-clip, Math.min(clip, x[i]));
        exact[i] = exact[i].add(new BigDecimal(Math.round(Math.scalb(clipped, bits))));
      }
    }
    double[] decoded = fp.decode(sum);
    for (int i = 0; i < d; i++) {
      BigDecimal expected = exact[i].divide(BigDecimal.valueOf(2).pow(bits));
      assertEquals(exact[i].longValueExact(), sum[i], "coordinate " + i);
      assertEquals(expected.doubleValue(), decoded[i], "coordinate " + i);
    }
  }

  @Test
  void decode_sumAtHeadroomLimit_staysExact() {
    // 3 * clip * 2^f just below 2^63: three maximal encodings sum to a positive long.
    FixedPoint fp = FixedPoint.forSum(3, 0x1p60 * 0.99, 1);
    long max = fp.maxEncoded();
    long[] sum = new long[2];
    for (int p = 0; p < 3; p++) {
      long[] e = fp.encode(new double[] {Double.MAX_VALUE, -Double.MAX_VALUE});
      sum[0] += e[0];
      sum[1] += e[1];
    }
    assertEquals(3 * max, sum[0]);
    assertEquals(-3 * max, sum[1]);
    assertTrue(sum[0] > 0 && sum[1] < 0);
  }

  @Test
  void forSum_withoutHeadroom_throws() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FixedPoint.forSum(5, 1.0, 61));
    assertTrue(e.getMessage().contains("headroom"), e.getMessage());
    assertTrue(FixedPoint.forSum(3, 1.0, 61).supportsSumOf(3));
    assertFalse(new FixedPoint(61, 1.0).supportsSumOf(4));
  }

  @Test
  void constructor_badParameters_throw() {
    assertThrows(IllegalArgumentException.class, () -> new FixedPoint(-1, 1.0));
    assertThrows(IllegalArgumentException.class, () -> new FixedPoint(63, 0.5));
    assertThrows(IllegalArgumentException.class, () -> new FixedPoint(16, 0.0));
    assertThrows(IllegalArgumentException.class, () -> new FixedPoint(16, Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> new FixedPoint(16, Double.POSITIVE_INFINITY));
    assertThrows(IllegalArgumentException.class, () -> new FixedPoint(62, 2.0));
    assertThrows(IllegalArgumentException.class, () -> FixedPoint.forSum(0, 1.0, 16));
  }
}
