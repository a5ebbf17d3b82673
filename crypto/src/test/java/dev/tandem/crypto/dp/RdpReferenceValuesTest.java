package dev.tandem.crypto.dp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The accountant against reference figures.
 *
 * <p>"Reference" numbers come from src/test/resources/dp/reference_rdp.py, an independent
 * stdlib-only Python implementation of the Opacus / dp_accounting formulas (see its docstring for
 * how it was run). With these parameters Opacus' default orders, dp_accounting's default orders
 * and our union of both give the same epsilon, except where noted.
 *
 * <p>Published figures (checked with the older conversion eps = min(rdp - log(delta)/(alpha-1))
 * those papers used, over Opacus' orders, because that is what they printed):
 * <ul>
 *   <li>Abadi et al. 2016, Sec. 3.1: q = 0.01, sigma = 4, delta = 1e-5, T = 10000 gives
 *       eps ~ 1.26 with the moments accountant (9.34 with strong composition). With Balle et al.'s
 *       conversion, what Opacus' get_privacy_spent returns today, it is 1.0355 (order 17).</li>
 *   <li>tensorflow_privacy tutorials/README.md (MNIST, N = 60000, batch 256,
 *       steps = epochs * 234, delta = 1e-5): noise 1.12 / 60 epochs eps 2.92; noise 0.6 /
 *       30 epochs eps 9.74; noise 1.2 / 10 epochs eps 1.20. (The often-quoted
 *       compute_dp_sgd_privacy run, noise 1.1 / 60 epochs / 14063 steps, gives 3.01 the old way
 *       and 2.597 with Balle's conversion.)</li>
 * </ul>
 */
class RdpReferenceValuesTest {

  private static final double REL_TOL = 1e-6;
  private static final double MNIST_Q = 256 / 60000.0;

  static Stream<Arguments> settings() {
    return Stream.of(
        // name, q, sigma, steps, delta, epsilon (python reference), optimal order
        Arguments.of("Abadi et al. 2016", 0.01, 4.0, 10000L, 1e-5, 1.0354900660362476, 17.0),
        Arguments.of("plain Gaussian", 1.0, 10.0, 100L, 1e-5, 4.728507067217623, 5.4),
        Arguments.of("q=0.001 sigma=1.1", 0.001, 1.1, 10000L, 1e-5, 0.6321381775209115, 16.0),
        Arguments.of("q=0.1 sigma=0.8", 0.1, 0.8, 100L, 1e-5, 12.358541266985767, 2.4),
        Arguments.of("q=0.004 sigma=1.0", 0.004, 1.0, 60000L, 1e-5, 6.418567430009001, 4.4),
        Arguments.of("MNIST noise 1.1, 14063 steps", MNIST_Q, 1.1, 14063L, 1e-5, 2.5966555286883684, 8.1),
        Arguments.of("TFP tutorial noise 1.12", MNIST_Q, 1.12, 14040L, 1e-5, 2.516462443736885, 8.3),
        Arguments.of("TFP tutorial noise 0.6", MNIST_Q, 0.6, 7020L, 1e-5, 8.76371096132417, 2.9),
        Arguments.of("TFP tutorial noise 1.2", MNIST_Q, 1.2, 2340L, 1e-5, 0.9312087496680361, 14.0),
        Arguments.of("q=0.5 sigma=0.5", 0.5, 0.5, 10L, 1e-6, 37.53126504447409, 1.7),
        // Opacus' orders stop at 63 and give 0.11076405494668962 here (order 63).
        Arguments.of("q=0.01 sigma=20", 0.01, 20.0, 1000L, 1e-5, 0.051732607114795263, 256.0));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("settings")
  void spent_referenceSetting_matchesPythonReference(String name, double q, double sigma, long steps,
      double delta, double expectedEpsilon, double expectedOrder) {
    PrivacySpent spent = RdpAccountant.empty().compose(q, sigma, steps).spent(delta);
    assertEquals(expectedEpsilon, spent.epsilon(), REL_TOL * expectedEpsilon, name);
    assertEquals(expectedOrder, spent.optimalOrder(), 0.0, name);
    assertEquals(delta, spent.delta(), 0.0);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    // q, sigma, steps, then RDP at orders 1.1, 1.5, 2, 3.7, 10.5, 11, 32, 512 from the python reference
    "0.01, 4.0, 10000, 0.03545104662485256, 0.04835493180200857, 0.06449425094185267, 0.11944676502199021,"
        + " 0.3404848416846774, 0.3568158117400685, 1.052636065908128, 113858.17739285284",
    "0.001, 1.1, 10000, 0.007056911237438984, 0.00963007454077485, 0.01285182567944657, 0.023850208133794824,"
        + " 0.06855338172920165, 0.07188674655210808, 60925.54409140097, 2046489.7454281019",
    "0.1, 0.8, 100, 1.5238073387901598, 2.3305046249706614, 3.701379105626628, 22.233062437260255,"
        + " 565.8166086532973, 606.0908018753755, 2262.3137968522274, 39769.29088696419",
    "0.004, 1.0, 60000, 0.8987874335935968, 1.2306892910711367, 1.6495278805940221, 3.1084661332727612,"
        + " 12.088015248322666, 32.4076140247954, 618025.6463780949, 15028064.032491725",
    "0.5, 0.5, 10, 7.926317795731373, 14.955908496764765, 26.671960885860425, 64.50159639288567,"
        + " 202.33889958328484, 212.3753810138406, 632.8449323297037, 10233.05496367032",
    "0.01, 20.0, 1000, 0.00013766893072827431, 0.00018773222684908202, 0.0002503127292372741,"
        + " 0.0004630980740292912, 0.001314418938754137, 0.0013770273986729402, 0.004007986466643012,"
        + " 0.06490449473495952",
  })
  void rdp_probeOrders_matchPythonReference(double q, double sigma, long steps, double r11, double r15,
      double r2, double r37, double r105, double r11int, double r32, double r512) {
    RdpAccountant acc = RdpAccountant.empty().compose(q, sigma, steps);
    double[] probes = {1.1, 1.5, 2.0, 3.7, 10.5, 11.0, 32.0, 512.0};
    double[] expected = {r11, r15, r2, r37, r105, r11int, r32, r512};
    for (int p = 0; p < probes.length; p++) {
      double actual = rdpAt(acc, probes[p]);
      assertEquals(expected[p], actual, REL_TOL * expected[p],
          "rdp at order " + probes[p] + " for q=" + q + " sigma=" + sigma);
    }
  }

  @Test
  void compose_heterogeneousSteps_matchesPythonReference() {
    PrivacySpent spent = RdpAccountant.empty().compose(0.01, 4.0, 5000).compose(0.004, 1.0, 1000).spent(1e-5);
    assertEquals(1.2276838065161237, spent.epsilon(), REL_TOL * 1.2276838065161237);
    assertEquals(10.3, spent.optimalOrder(), 0.0);
  }

  @Test
  void convert_opacusDefaultOrdersOnly_returnsWhatOpacusReturns() {
    // q = 0.01, sigma = 20: Opacus' default orders (up to 63) give a looser figure than our union.
    RdpAccountant acc = RdpAccountant.empty().compose(0.01, 20.0, 1000);
    double[] opacusOrders = opacusDefaultOrders();
    double[] rdp = Arrays.stream(opacusOrders).map(a -> rdpAt(acc, a)).toArray();
    PrivacySpent opacus = RdpAccountant.convert(opacusOrders, rdp, 1e-5);
    assertEquals(0.11076405494668962, opacus.epsilon(), REL_TOL * 0.11076405494668962);
    assertEquals(63.0, opacus.optimalOrder(), 0.0);
  }

  @ParameterizedTest(name = "q={0} sigma={1} T={2}: published eps {3}")
  @CsvSource({
    // Abadi et al. 2016 (moments accountant): 1.26; python reference, classic conversion: 1.2585747412527164
    "0.01, 4.0, 10000, 1.26, 1.2585747412527164",
    // tensorflow_privacy tutorials table: 2.92, 9.74, 1.20
    "0.004266666666666667, 1.12, 14040, 2.92, 2.919890520258786",
    "0.004266666666666667, 0.6, 7020, 9.74, 9.746941884245484",
    "0.004266666666666667, 1.2, 2340, 1.20, 1.197755920674934",
  })
  void classicConversion_publishedSettings_matchPublishedFigures(double q, double sigma, long steps,
      double published, double reference) {
    RdpAccountant acc = RdpAccountant.empty().compose(q, sigma, steps);
    double classic = Double.POSITIVE_INFINITY;
    for (double a : opacusDefaultOrders()) {
      classic = Math.min(classic, rdpAt(acc, a) - Math.log(1e-5) / (a - 1));
    }
    assertEquals(reference, classic, REL_TOL * reference);
    // The published figures are rounded to two decimals.
    assertEquals(published, classic, 0.0075);
  }

  private static double[] opacusDefaultOrders() {
    double[] orders = new double[99 + 52];
    for (int x = 1; x < 100; x++) {
      orders[x - 1] = 1 + x / 10.0;
    }
    for (int a = 12; a < 64; a++) {
      orders[99 + a - 12] = a;
    }
    return orders;
  }

  static double rdpAt(RdpAccountant acc, double order) {
    double[] orders = acc.orders();
    for (int k = 0; k < orders.length; k++) {
      if (orders[k] == order) {
        return acc.rdp()[k];
      }
    }
    throw new AssertionError("order " + order + " is not among the accountant's orders");
  }
}
