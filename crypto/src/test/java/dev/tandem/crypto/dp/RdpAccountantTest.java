package dev.tandem.crypto.dp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RdpAccountantTest {

  @Test
  void orders_default_areUnionOfOpacusAndDpAccountingSorted() {
    double[] orders = RdpAccountant.empty().orders();
    assertEquals(155, orders.length);
    assertEquals(1.1, orders[0], 0.0);
    assertEquals(10.9, orders[98], 0.0);
    assertEquals(11.0, orders[99], 0.0);
    assertEquals(63.0, orders[151], 0.0);
    assertArrayEquals(new double[] {128, 256, 512}, java.util.Arrays.copyOfRange(orders, 152, 155));
    for (int k = 1; k < orders.length; k++) {
      assertTrue(orders[k] > orders[k - 1], "orders must be strictly increasing at " + k);
    }
    for (int x = 1; x < 100; x++) {
      double opacus = 1 + x / 10.0;
      assertTrue(java.util.Arrays.stream(orders).anyMatch(o -> o == opacus), "missing order " + opacus);
    }
  }

  @Test
  void compose_fullBatch_isPlainGaussianExactly() {
    double sigma = 3.0;
    long steps = 250;
    RdpAccountant acc = RdpAccountant.empty().compose(1.0, sigma, steps);
    double[] orders = acc.orders();
    double[] rdp = acc.rdp();
    for (int k = 0; k < orders.length; k++) {
      assertEquals(orders[k] / (2 * sigma * sigma) * steps, rdp[k], 0.0, "order " + orders[k]);
    }
  }

  @Test
  void spent_fullBatch_matchesClosedFormBalleConversion() {
    double sigma = 10.0;
    long steps = 100;
    double delta = 1e-5;
    double best = Double.POSITIVE_INFINITY;
    for (double a : RdpAccountant.empty().orders()) {
      double eps = steps * a / (2 * sigma * sigma) - (Math.log(delta) + Math.log(a)) / (a - 1)
          + Math.log((a - 1) / a);
      best = Math.min(best, eps);
    }
    PrivacySpent spent = RdpAccountant.empty().compose(1.0, sigma, steps).spent(delta);
    assertEquals(best, spent.epsilon(), 1e-15 * best);
    assertEquals(4.728507067217623, spent.epsilon(), 1e-12);
  }

  @Test
  void compose_zeroSamplingRate_spendsNothing() {
    RdpAccountant acc = RdpAccountant.empty().compose(0.0, 0.0, 1_000_000);
    assertArrayEquals(new double[155], acc.rdp());
    assertEquals(0.0, acc.spent(1e-5).epsilon(), 0.0);
  }

  @Test
  void compose_zeroNoise_givesInfiniteEpsilon() {
    RdpAccountant acc = RdpAccountant.empty().compose(0.01, 0.0, 1);
    for (double r : acc.rdp()) {
      assertEquals(Double.POSITIVE_INFINITY, r);
    }
    PrivacySpent spent = acc.spent(1e-5);
    assertEquals(Double.POSITIVE_INFINITY, spent.epsilon());
    assertTrue(Double.isNaN(spent.optimalOrder()));
  }

  @Test
  void compose_zeroSteps_returnsSameAccountant() {
    RdpAccountant acc = RdpAccountant.empty().compose(0.01, 1.0, 10);
    assertSame(acc, acc.compose(0.3, 0.0, 0));
  }

  @Test
  void spent_empty_isZeroWithoutOrder() {
    PrivacySpent spent = RdpAccountant.empty().spent(1e-5);
    assertEquals(0.0, spent.epsilon(), 0.0);
    assertTrue(Double.isNaN(spent.optimalOrder()));
    assertThrows(IllegalArgumentException.class, () -> RdpAccountant.empty().spent(0));
  }

  @Test
  void spent_hugeNoise_keepsConversionFloorInsteadOfZero() {
    // No KL shortcut: RDP ~ 1e-16 still yields Balle's conversion floor, never a rounding-made 0.
    PrivacySpent spent = RdpAccountant.empty().compose(0.01, 1e6, 1000).spent(1e-7);
    double floor = Double.POSITIVE_INFINITY;
    for (double a : RdpAccountant.empty().orders()) {
      floor = Math.min(floor, -(Math.log(1e-7) + Math.log(a)) / (a - 1) + Math.log((a - 1) / a));
    }
    assertTrue(spent.epsilon() >= floor, spent.epsilon() + " < " + floor);
    assertEquals(floor, spent.epsilon(), 1e-9);
    assertEquals(512.0, spent.optimalOrder(), 0.0);
  }

  @Test
  void spent_deltaNearOne_isClampedAtZero() {
    PrivacySpent spent = RdpAccountant.empty().compose(0.001, 50, 1).spent(0.9);
    assertEquals(0.0, spent.epsilon(), 0.0);
    assertTrue(spent.optimalOrder() > 1);
  }

  @Test
  void compose_isImmutableAndAdditive() {
    RdpAccountant a = RdpAccountant.empty().compose(0.01, 1.2, 300);
    double[] before = a.rdp();
    RdpAccountant b = a.compose(0.02, 0.9, 50);
    assertArrayEquals(before, a.rdp(), "compose must not change the receiver");
    double[] only = RdpAccountant.empty().compose(0.02, 0.9, 50).rdp();
    double[] sum = b.rdp();
    for (int k = 0; k < sum.length; k++) {
      assertEquals(before[k] + only[k], sum[k], 0.0);
    }
    double[] split = RdpAccountant.empty().compose(0.01, 1.2, 100).compose(0.01, 1.2, 200).rdp();
    for (int k = 0; k < sum.length; k++) {
      assertEquals(before[k], split[k], 1e-12 * before[k]);
    }
  }

  @Test
  void rdpAndOrders_returnCopies() {
    RdpAccountant acc = RdpAccountant.empty().compose(0.01, 1.0, 10);
    acc.rdp()[0] = -1;
    acc.orders()[0] = -1;
    assertTrue(acc.rdp()[0] > 0);
    assertEquals(1.1, acc.orders()[0], 0.0);
  }

  @Test
  void spent_moreNoise_neverIncreasesEpsilon() {
    double previous = Double.POSITIVE_INFINITY;
    for (double sigma = 0.3; sigma < 50; sigma *= 1.25) {
      double eps = RdpAccountant.empty().compose(0.01, sigma, 1000).spent(1e-5).epsilon();
      assertTrue(eps <= previous, "epsilon rose at sigma " + sigma + ": " + eps + " > " + previous);
      previous = eps;
    }
  }

  @Test
  void rdp_everyOrder_isNonDecreasingInOrder() {
    for (double[] p : new double[][] {{0.01, 4}, {0.004, 1}, {0.3, 0.7}, {0.9, 2}, {1e-6, 0.5}}) {
      double[] rdp = RdpAccountant.empty().compose(p[0], p[1], 1).rdp();
      for (int k = 1; k < rdp.length; k++) {
        assertTrue(rdp[k] >= rdp[k - 1] * (1 - 1e-9),
            "RDP must not decrease with the order (q=" + p[0] + ", sigma=" + p[1] + ", k=" + k + ")");
      }
    }
  }

  @ParameterizedTest
  @CsvSource({
    "-0.1, 1.0, 1, 'sampling rate q must be in [0, 1], got -0.1'",
    "1.5, 1.0, 1, 'sampling rate q must be in [0, 1], got 1.5'",
    "NaN, 1.0, 1, 'sampling rate q must be in [0, 1], got NaN'",
    "0.1, -1.0, 1, 'noise multiplier sigma must be finite and >= 0, got -1.0'",
    "0.1, Infinity, 1, 'noise multiplier sigma must be finite and >= 0, got Infinity'",
    "0.1, 1.0, -1, 'steps must be >= 0, got -1'",
  })
  void compose_invalidArgument_throwsNamingValue(double q, double sigma, long steps, String message) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RdpAccountant.empty().compose(q, sigma, steps));
    assertEquals(message, e.getMessage());
  }

  @ParameterizedTest
  @CsvSource({"0.0", "1.0", "-1e-5", "NaN"})
  void spent_invalidDelta_throws(double delta) {
    assertThrows(IllegalArgumentException.class, () -> RdpAccountant.empty().spent(delta));
  }

  @Test
  void privacySpent_invalidValues_throw() {
    assertThrows(IllegalArgumentException.class, () -> new PrivacySpent(-0.1, 1e-5, 2));
    assertThrows(IllegalArgumentException.class, () -> new PrivacySpent(Double.NaN, 1e-5, 2));
    assertThrows(IllegalArgumentException.class, () -> new PrivacySpent(1, 0, 2));
    assertThrows(IllegalArgumentException.class, () -> new PrivacySpent(1, 1e-5, 1));
    assertThrows(IllegalArgumentException.class, () -> new PrivacySpent(1, 1e-5, Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> new PrivacySpent(Double.POSITIVE_INFINITY, 1e-5, 2));
    assertEquals(0.0, new PrivacySpent(0, 1e-5, Double.NaN).epsilon(), 0.0);
  }

  @Test
  void compose_extremeButValidParameters_staysFinite() {
    // The fractional-order series must converge (and its log-space subtraction stay
    // non-negative) across the whole range the planner searches.
    for (double q : new double[] {1e-9, 1e-4, 0.01, 0.3, 0.5, 0.9, 0.999999}) {
      for (double sigma : new double[] {1e-300, 1e-101, 1e-99, 1e-30, PrivacyPlanner.MIN_NOISE_MULTIPLIER, 0.05,
          0.3, 1, 7, 100, PrivacyPlanner.MAX_NOISE_MULTIPLIER, 1e99, 1e101, 1e300}) {
        double[] rdp = RdpAccountant.empty().compose(q, sigma, 1).rdp();
        double[] gaussianRdp = RdpAccountant.empty().compose(1.0, sigma, 1).rdp();
        for (int k = 0; k < rdp.length; k++) {
          double r = rdp[k];
          assertTrue(r >= 0 && !Double.isNaN(r), "rdp " + r + " at q=" + q + ", sigma=" + sigma);
          // Never above the full-batch Gaussian mechanism, which subsampling only improves.
          double gaussian = gaussianRdp[k];
          assertTrue(r <= gaussian * (1 + 1e-9) + 1e-10, "rdp " + r + " above Gaussian " + gaussian);
        }
      }
    }
  }
}
