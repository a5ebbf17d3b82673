package dev.tandem.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SpecsTest {

  private static JobSpec job(String id) {
    return new JobSpec(id, "churn", ModelSpec.mlp(8, 1e-3),
        List.of(FeatureSpec.numeric("tenure"), FeatureSpec.categorical("Contract", List.of("Month", "Year"))),
        LabelSpec.positiveIf("Churn", "Yes"), List.of("branch-a", "branch-b"), 5, 2, 0.1, 32, 2, 42L);
  }

  @Test
  void labelPositiveIf_values_mapsToBooleansAndMissingToEmpty() {
    LabelSpec label = LabelSpec.positiveIf("Churn", "Yes");
    assertEquals(Optional.of(true), label.label("Yes"));
    assertEquals(Optional.of(true), label.label(" Yes "));
    assertEquals(Optional.of(false), label.label("No"));
    assertEquals(Optional.empty(), label.label(""));
    assertEquals(Optional.empty(), label.label("?"));
    assertEquals(Optional.empty(), label.label(null));
    assertEquals(Optional.of(true), LabelSpec.positiveIf("y", "1").label("1.0"));
  }

  @Test
  void labelPositiveAbove_threshold_isStrictAndUnparseableIsEmpty() {
    LabelSpec label = LabelSpec.positiveAbove("num", 0);
    assertEquals(Optional.of(false), label.label("0"));
    assertEquals(Optional.of(true), label.label("2"));
    assertEquals(Optional.of(true), label.label("0.5"));
    assertEquals(Optional.empty(), label.label("sick"));
    assertEquals(Optional.empty(), label.label("NA"));
  }

  @Test
  void labelSpec_bothOrNeitherRule_isRejected() {
    assertThrows(IllegalArgumentException.class, () -> new LabelSpec("y", java.util.Set.of("1"), 0.0));
    assertThrows(IllegalArgumentException.class, () -> new LabelSpec("y", java.util.Set.of(), null));
  }

  @Test
  void modelSpec_hiddenUnitsNotFittingType_isRejected() {
    assertThrows(IllegalArgumentException.class, () -> new ModelSpec(ModelType.LOGISTIC_REGRESSION, 3, 0));
    assertThrows(IllegalArgumentException.class, () -> ModelSpec.mlp(0, 0));
    assertThrows(IllegalArgumentException.class, () -> ModelSpec.logisticRegression(-1));
    assertThrows(IllegalArgumentException.class, () -> ModelSpec.logisticRegression(Double.NaN));
  }

  @Test
  void featureSpec_badCategories_areRejected() {
    assertThrows(IllegalArgumentException.class, () -> FeatureSpec.categorical("c", List.of()));
    assertThrows(IllegalArgumentException.class, () -> FeatureSpec.categorical("c", List.of("1", "1.0")));
    assertThrows(IllegalArgumentException.class, () -> FeatureSpec.categorical("c", List.of("a", "?")));
    assertThrows(IllegalArgumentException.class,
        () -> new FeatureSpec("n", FeatureKind.NUMERIC, List.of("a")));
  }

  @Test
  void jobSpec_validJob_exposesNumericFeaturesAndDimension() {
    JobSpec job = job("");
    assertEquals(List.of(FeatureSpec.numeric("tenure")), job.numericFeatures());
    assertEquals(3, job.inputDimension());
    assertEquals(3 * 8 + 8 + 8 + 1, job.architecture().parameterCount());
    assertEquals("job-1.a_B", job.withJobId("job-1.a_B").jobId());
  }

  @Test
  void jobSpec_outOfRangeValues_areRejectedWithTheValueNamed() {
    JobSpec ok = job("");
    assertThrows(IllegalArgumentException.class, () -> ok.withJobId("bad id"));
    assertThrows(IllegalArgumentException.class, () -> ok.withJobId("x".repeat(65)));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new JobSpec("", "churn", ok.model(), ok.features(), ok.label(), ok.sites(), 1, 1, 0.1, 32, 3, 1));
    assertTrue(e.getMessage().contains("minSites"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> new JobSpec("", " ", ok.model(), ok.features(), ok.label(), ok.sites(), 1, 1, 0.1, 32, 1, 1));
    assertThrows(IllegalArgumentException.class,
        () -> new JobSpec("", "p", ok.model(), List.of(), ok.label(), ok.sites(), 1, 1, 0.1, 32, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> new JobSpec("", "p", ok.model(),
        List.of(FeatureSpec.numeric("a"), FeatureSpec.numeric("a")), ok.label(), ok.sites(), 1, 1, 0.1, 32, 1, 1));
    assertThrows(IllegalArgumentException.class,
        () -> new JobSpec("", "p", ok.model(), ok.features(), ok.label(), List.of("a", "a"), 1, 1, 0.1, 32, 1, 1));
    assertThrows(IllegalArgumentException.class,
        () -> new JobSpec("", "p", ok.model(), ok.features(), ok.label(), ok.sites(), 0, 1, 0.1, 32, 1, 1));
    assertThrows(IllegalArgumentException.class,
        () -> new JobSpec("", "p", ok.model(), ok.features(), ok.label(), ok.sites(), 1, 0, 0.1, 32, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> new JobSpec("", "p", ok.model(), ok.features(),
        ok.label(), ok.sites(), 1, 1, Double.POSITIVE_INFINITY, 32, 1, 1));
    assertThrows(IllegalArgumentException.class,
        () -> new JobSpec("", "p", ok.model(), ok.features(), ok.label(), ok.sites(), 1, 1, 0.1, 0, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> new JobSpec("", "p", ok.model(), ok.features(),
        LabelSpec.positiveIf("tenure", "1"), ok.sites(), 1, 1, 0.1, 32, 1, 1));
  }

  @Test
  void jobSpecJson_roundTrip_givesAnEqualSpecAndStableText() {
    JobSpec job = job("j1");
    String json = JobSpecJson.toJson(job);
    assertEquals(job, JobSpecJson.fromJson(json));
    assertEquals(json, JobSpecJson.toJson(JobSpecJson.fromJson(json)));
    JobSpec heart = new JobSpec("", "health-risk", ModelSpec.logisticRegression(0), List.of(FeatureSpec.numeric("age")),
        LabelSpec.positiveAbove("num", 0), List.of("a"), 1, 1, 0.5, 8, 1, -3);
    assertEquals(heart, JobSpecJson.fromJson(JobSpecJson.toJson(heart)));
  }

  @Test
  void jobSpecJson_invalidSpec_isRejected() {
    String json = JobSpecJson.toJson(job("j1")).replace("\"rounds\":5", "\"rounds\":0");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JobSpecJson.fromJson(json));
    assertTrue(e.getMessage().contains("rounds"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> JobSpecJson.fromJson("{\"jobId\":"));
  }
}
