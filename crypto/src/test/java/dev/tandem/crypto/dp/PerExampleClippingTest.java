package dev.tandem.crypto.dp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class PerExampleClippingTest {

  @Test
  void clipInPlace_longGradient_scaledToMaxNormKeepingDirection() {
    double[] g = {3, 4};
    double factor = PerExampleClipping.clipInPlace(g, 1.0);
    assertEquals(0.2, factor, 1e-15);
    assertArrayEquals(new double[] {0.6, 0.8}, g, 1e-15);
    assertTrue(PerExampleClipping.l2Norm(g) <= 1.0);
  }

  @Test
  void clipInPlace_shortGradient_untouched() {
    double[] g = {0.3, -0.4};
    assertEquals(1.0, PerExampleClipping.clipInPlace(g, 1.0), 0.0);
    assertArrayEquals(new double[] {0.3, -0.4}, g, 0.0);
    double[] zero = new double[5];
    assertEquals(1.0, PerExampleClipping.clipInPlace(zero, 0.1), 0.0);
    assertEquals(1.0, PerExampleClipping.clipInPlace(new double[0], 0.1), 0.0);
  }

  @Test
  void clipInPlace_randomGradients_neverExceedMaxNorm() {
    Random random = new Random(3);
    for (int trial = 0; trial < 2000; trial++) {
      double[] g = new double[1 + random.nextInt(300)];
      double scale = Math.pow(10, random.nextInt(20) - 10);
      for (int i = 0; i < g.length; i++) {
        g[i] = random.nextGaussian() * scale;
      }
      double before = PerExampleClipping.l2Norm(g);
      double c = Math.pow(10, random.nextInt(8) - 4) * (0.5 + random.nextDouble());
      double factor = PerExampleClipping.clipInPlace(g, c);
      double after = PerExampleClipping.l2Norm(g);
      assertTrue(after <= c, "norm " + after + " > " + c);
      if (before > c) {
        assertEquals(c, after, 1e-12 * c);
        assertEquals(c / before, factor, 1e-12 * factor);
      } else {
        assertEquals(1.0, factor, 0.0);
      }
    }
  }

  @Test
  void l2Norm_extremeMagnitudes_noOverflowOrUnderflow() {
    assertEquals(5e300, PerExampleClipping.l2Norm(new double[] {3e300, 4e300}), 1e286);
    assertEquals(5e-300, PerExampleClipping.l2Norm(new double[] {3e-300, 4e-300}), 1e-314);
    double[] huge = {3e300, 4e300};
    assertEquals(1.0, PerExampleClipping.clipInPlace(huge, 5e300 * 2), 0.0);
    PerExampleClipping.clipInPlace(huge, 1.0);
    assertArrayEquals(new double[] {0.6, 0.8}, huge, 1e-15);
  }

  @Test
  void clipRowsInPlace_matrixAndFlat_agreeRowByRow() {
    double[][] rows = {{3, 4, 0}, {0.1, 0.1, 0.1}, {0, 0, 12}};
    double[] flat = {3, 4, 0, 0.1, 0.1, 0.1, 0, 0, 12};
    double[] f1 = PerExampleClipping.clipRowsInPlace(rows, 2.0);
    double[] f2 = PerExampleClipping.clipRowsInPlace(flat, 3, 2.0);
    assertArrayEquals(new double[] {0.4, 1.0, 1.0 / 6}, f1, 1e-15);
    assertArrayEquals(f1, f2, 0.0);
    for (int r = 0; r < 3; r++) {
      assertArrayEquals(rows[r], java.util.Arrays.copyOfRange(flat, 3 * r, 3 * r + 3), 0.0);
      assertTrue(PerExampleClipping.l2Norm(rows[r]) <= 2.0);
    }
    assertArrayEquals(new double[] {0, 0, 2}, rows[2], 1e-15);
  }

  @Test
  void clipRowsInPlace_badShape_throws() {
    assertEquals("rows must be >= 1 and divide the array length 5, got 2",
        assertThrows(IllegalArgumentException.class,
            () -> PerExampleClipping.clipRowsInPlace(new double[5], 2, 1.0)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> PerExampleClipping.clipRowsInPlace(new double[4], 0, 1.0));
  }

  @Test
  void clip_nonFiniteOrBadNorm_throwsWithoutModifying() {
    double[][] rows = {{3, 4}, {1, Double.NaN}};
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PerExampleClipping.clipRowsInPlace(rows, 1.0));
    assertEquals("gradient row 1 holds a non-finite value NaN at index 1", e.getMessage());
    assertArrayEquals(new double[] {3, 4}, rows[0], 0.0);
    double[] flat = {3, 4, Double.POSITIVE_INFINITY, 0};
    assertThrows(IllegalArgumentException.class, () -> PerExampleClipping.clipRowsInPlace(flat, 2, 1.0));
    assertEquals(3.0, flat[0], 0.0);
    assertEquals("maxNorm must be finite and > 0, got 0.0",
        assertThrows(IllegalArgumentException.class,
            () -> PerExampleClipping.clipInPlace(new double[] {1}, 0)).getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> PerExampleClipping.clipInPlace(new double[] {1}, Double.POSITIVE_INFINITY));
  }
}
