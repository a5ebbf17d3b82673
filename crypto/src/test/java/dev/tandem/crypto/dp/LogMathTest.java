package dev.tandem.crypto.dp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LogMathTest {

  // Expected values: Python 3.11 math.lgamma / the log_erfc of
  // src/test/resources/dp/reference_rdp.py (scipy's log_ndtr written out over math.erfc).
  @ParameterizedTest
  @CsvSource({
    "0.1, 2.2527126517342055",
    "0.5, 0.5723649429247004",
    "1.5, -0.12078223763524543",
    "2.5, 0.2846828704729196",
    "3.7, 1.4280723266653883",
    "10.0, 12.801827480081467",
    "11.1, 15.340062162480454",
    "100.0, 359.1342053695754",
    "513.0, 2686.0604716263483",
    "1000.5, 5908.674175848678",
    "1000000.0, 12815504.569147611",
    "-0.5, 1.265512123484645",
    "-1.9, 1.7162192812196368",
    "-10.1, -13.0209732710115",
  })
  void logGamma_referencePoints_matchPythonLgammaTo1e14(double x, double expected) {
    double actual = LogMath.logGamma(x);
    assertEquals(expected, actual, 1e-14 * Math.max(1, Math.abs(expected)), "lgamma(" + x + ")");
  }

  @Test
  void logGamma_integers_areLogFactorials() {
    assertEquals(0.0, LogMath.logGamma(1), 0.0);
    assertEquals(0.0, LogMath.logGamma(2), 0.0);
    double logFactorial = 0;
    for (int n = 2; n <= 170; n++) {
      // Gamma(n + 1) = n!, compared with an exactly summed log n!.
      logFactorial += Math.log(n);
      assertEquals(logFactorial, LogMath.logGamma(n + 1.0), 1e-13 * Math.max(1, logFactorial), "n = " + n);
    }
  }

  @Test
  void logGamma_recurrence_holdsAcrossRange() {
    for (double x = 0.05; x < 600; x = x * 1.07 + 0.013) {
      double lhs = LogMath.logGamma(x + 1);
      double rhs = LogMath.logGamma(x) + Math.log(x);
      assertEquals(lhs, rhs, 1e-13 * Math.max(1, Math.abs(lhs)), "x = " + x);
    }
  }

  @Test
  void logGamma_poles_areInfinite() {
    assertEquals(Double.POSITIVE_INFINITY, LogMath.logGamma(0));
    assertEquals(Double.POSITIVE_INFINITY, LogMath.logGamma(-3));
    assertTrue(Double.isNaN(LogMath.logGamma(Double.NaN)));
  }

  @ParameterizedTest
  @CsvSource({
    "-30.0, 0.6931471805599453",
    "-6.0, 0.6931471805599453",
    "-3.0, 0.6931361352504468",
    "-1.0, 0.6112323176780705",
    "-0.3, 0.28414589714140825",
    "0.0, 0.0",
    "0.2, -0.25193223378261675",
    "0.5, -0.7350111298370844",
    "1.0, -1.849605509933248",
    "1.9, -4.932345862780269",
    "2.1, -5.816010968867555",
    "3.0, -10.720363041981113",
    "5.0, -27.200889545537436",
    "10.0, -102.87988902484489",
    "14.0, -199.2139572247828",
    "15.0, -228.2826251538064",
    "27.0, -732.8688865078976",
    "100.0, -10005.177585122665",
    "10000.0, -100000009.78270532",
  })
  void logErfc_referencePoints_matchScipyStyleLogNdtr(double x, double expected) {
    double actual = LogMath.logErfc(x);
    assertEquals(expected, actual, 1e-13 * Math.max(1e-3, Math.abs(expected)), "log erfc(" + x + ")");
  }

  @Test
  void logErfc_aroundSeriesThreshold_isContinuous() {
    double t = LogMath.CF_THRESHOLD;
    for (double x : new double[] {t, -t}) {
      double below = LogMath.logErfc(Math.nextDown(x));
      double at = LogMath.logErfc(x);
      double above = LogMath.logErfc(Math.nextUp(x));
      assertEquals(at, below, 1e-14 * Math.abs(at));
      assertEquals(at, above, 1e-14 * Math.abs(at));
    }
  }

  @Test
  void logErfc_farTail_doesNotUnderflow() {
    // erfc(40) ~ 1e-697 is below Double.MIN_VALUE; its log is still finite.
    double v = LogMath.logErfc(40);
    assertTrue(Double.isFinite(v) && v < -1600 && v > -1610, "log erfc(40) = " + v);
    assertEquals(Double.NEGATIVE_INFINITY, LogMath.logErfc(Double.POSITIVE_INFINITY));
  }

  @Test
  void logAdd_andLogSub_matchDirectArithmetic() {
    assertEquals(Math.log(5), LogMath.logAdd(Math.log(2), Math.log(3)), 1e-15);
    assertEquals(Math.log(3), LogMath.logAdd(Double.NEGATIVE_INFINITY, Math.log(3)), 0.0);
    assertEquals(1000 + Math.log1p(Math.exp(-1)), LogMath.logAdd(1000, 999), 1e-12);
    assertEquals(Math.log(2), LogMath.logSub(Math.log(5), Math.log(3)), 1e-15);
    assertEquals(Double.NEGATIVE_INFINITY, LogMath.logSub(1.5, 1.5));
    assertEquals(7.0, LogMath.logSub(7.0, Double.NEGATIVE_INFINITY), 0.0);
    assertEquals(800.0, LogMath.logSub(800.0, 0.0), 1e-12);
    assertThrows(ArithmeticException.class, () -> LogMath.logSub(1, 2));
  }

  @Test
  void binomial_generalised_matchesFallingFactorialProduct() {
    for (double alpha : new double[] {1.1, 2.5, 7.3, 10.9, 12.0, 63.0}) {
      double product = 1;
      for (int i = 0; i <= 40; i++) {
        if (product == 0) {
          assertEquals(Double.NEGATIVE_INFINITY, LogMath.logAbsBinomial(alpha, i));
        } else {
          assertEquals(Math.log(Math.abs(product)), LogMath.logAbsBinomial(alpha, i),
              1e-12 * Math.max(1, Math.abs(Math.log(Math.abs(product)))),
              "|C(" + alpha + ", " + i + ")|");
          assertEquals(Math.signum(product), LogMath.binomialSign(alpha, i), "sign of C(" + alpha + ", " + i + ")");
        }
        product *= (alpha - i) / (i + 1);
      }
    }
  }
}
