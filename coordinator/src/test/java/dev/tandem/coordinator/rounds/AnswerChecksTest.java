package dev.tandem.coordinator.rounds;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class AnswerChecksTest {
  @ParameterizedTest
  @ValueSource(doubles = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
  void checkUpdate_nonFiniteParameter_malformedNamingTheIndex(double bad) {
    Rejection r = assertThrows(Rejection.class,
        () -> AnswerChecks.check(new Answers.Update(new double[] {0, bad, 0}, 5, 0.3, Answers.Privacy.NONE), 3));
    assertEquals(Rejection.Reason.MALFORMED, r.reason());
    assertTrue(r.getMessage().contains("parameter 1 is"), r.getMessage());
  }

  @Test
  void checkUpdate_valid_passes() {
    assertDoesNotThrow(() -> AnswerChecks.check(new Answers.Update(new double[] {0, 1, 2}, 5, 0.3, Answers.Privacy.NONE), 3));
  }

  @Test
  void checkUpdate_zeroSamples_malformed() {
    assertThrows(Rejection.class, () -> AnswerChecks.check(new Answers.Update(new double[] {0}, 0, 0.3, Answers.Privacy.NONE), 1));
  }

  @Test
  void checkEvaluation_histogramDisagreesWithCounts_malformed() {
    Rejection r = assertThrows(Rejection.class, () -> AnswerChecks.check(new Answers.Evaluation(10, 2, 1.0, 5, 0.5,
        new long[] {1, 1}, new long[] {3, 3})));
    assertTrue(r.getMessage().contains("count 8 samples"), r.getMessage());
  }

  @Test
  void checkStats_wrongWidth_malformed() {
    assertThrows(Rejection.class, () -> AnswerChecks.check(
        new Answers.Stats(3, new long[] {3}, new double[] {1}, new double[] {1}), 2));
  }
}
