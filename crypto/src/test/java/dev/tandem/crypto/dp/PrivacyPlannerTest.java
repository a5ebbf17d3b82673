package dev.tandem.crypto.dp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PrivacyPlannerTest {

  @Test
  void epsilon_abadiSetting_matchesAccountant() {
    assertEquals(1.0354900660362476, PrivacyPlanner.epsilon(0.01, 4.0, 10000, 1e-5), 1e-6 * 1.0354900660362476);
  }

  @ParameterizedTest
  @CsvSource({
    "1.0354900660362476, 0.01, 10000, 1e-5, 4.0",
    "2.5966555286883684, 0.004266666666666667, 14063, 1e-5, 1.1",
    "6.418567430009001, 0.004, 60000, 1e-5, 1.0",
    "12.358541266985767, 0.1, 100, 1e-5, 0.8",
    "4.728507067217623, 1.0, 100, 1e-5, 10.0",
  })
  void noiseMultiplierFor_referenceEpsilon_recoversSigmaWithinTolerance(double target, double q, long steps,
      double delta, double sigma) {
    double found = PrivacyPlanner.noiseMultiplierFor(target, q, steps, delta);
    assertTrue(PrivacyPlanner.epsilon(q, found, steps, delta) <= target, "result must meet the target");
    double below = found / (1 + PrivacyPlanner.RELATIVE_TOLERANCE);
    assertTrue(PrivacyPlanner.epsilon(q, below, steps, delta) > target,
        "sigma / (1 + tol) = " + below + " must miss the target");
    // Target epsilon is exactly eps(sigma), so the smallest sigma meeting it is sigma itself
    // (up to the 1e-6 relative agreement of the reference value).
    assertEquals(sigma, found, sigma * 2e-3);
  }

  @Test
  void noiseMultiplierFor_tinyTarget_needsLargeNoise() {
    double sigma = PrivacyPlanner.noiseMultiplierFor(0.1, 0.01, 1000, 1e-5);
    assertTrue(sigma > 8 && sigma < 20, "sigma = " + sigma);
    assertTrue(PrivacyPlanner.epsilon(0.01, sigma, 1000, 1e-5) <= 0.1);
  }

  @Test
  void noiseMultiplierFor_hugeTarget_returnsFloor() {
    assertEquals(PrivacyPlanner.MIN_NOISE_MULTIPLIER, PrivacyPlanner.noiseMultiplierFor(1e12, 1.0, 1, 1e-5), 0.0);
  }

  @Test
  void noiseMultiplierFor_nothingSpent_isZero() {
    assertEquals(0.0, PrivacyPlanner.noiseMultiplierFor(1.0, 0.0, 1000, 1e-5), 0.0);
    assertEquals(0.0, PrivacyPlanner.noiseMultiplierFor(1.0, 0.5, 0, 1e-5), 0.0);
  }

  @Test
  void noiseMultiplierFor_unreachableTarget_throwsClearMessage() {
    // Even sigma = 1e6 leaves Balle's conversion floor, epsilon ~ 0.0083 at delta 1e-5.
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PrivacyPlanner.noiseMultiplierFor(0.005, 0.01, 1000, 1e-5));
    assertTrue(e.getMessage().startsWith("target epsilon 0.005 is unreachable at delta 1.0E-5"), e.getMessage());
    assertTrue(e.getMessage().contains("even noise multiplier 1000000.0 gives epsilon 0.008"), e.getMessage());
  }

  @ParameterizedTest
  @CsvSource({
    "0.0, 0.01, 100, 1e-5, 'target epsilon must be finite and > 0, got 0.0'",
    "Infinity, 0.01, 100, 1e-5, 'target epsilon must be finite and > 0, got Infinity'",
    "1.0, 1.01, 100, 1e-5, 'sampling rate q must be in [0, 1], got 1.01'",
    "1.0, 0.01, -5, 1e-5, 'steps must be >= 0, got -5'",
    "1.0, 0.01, 100, 1.0, 'delta must be in (0, 1), got 1.0'",
  })
  void noiseMultiplierFor_invalidArgument_throwsNamingValue(double target, double q, long steps, double delta,
      String message) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PrivacyPlanner.noiseMultiplierFor(target, q, steps, delta));
    assertEquals(message, e.getMessage());
  }
}
