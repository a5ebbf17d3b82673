package dev.tandem.node.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.crypto.dp.PrivacyPlanner;
import dev.tandem.model.DpSpec;
import dev.tandem.model.FeatureSpec;
import dev.tandem.model.JobSpec;
import dev.tandem.model.LabelSpec;
import dev.tandem.model.ModelSpec;
import dev.tandem.model.PrivacySpec;
import dev.tandem.node.training.DpSteps;
import dev.tandem.node.training.LocalTrainer;
import java.util.List;
import org.junit.jupiter.api.Test;

class NoiseCalibrationTest {

  private static final double DELTA = 1e-5;

  @Test
  void noiseFor_epsilonOneThreeEight_meetsEachTargetTightlyWithLessNoiseForMore() {
    double q = 128.0 / 5587;
    long steps = 10 * 87;
    double previous = Double.POSITIVE_INFINITY;
    for (double target : new double[] {1, 3, 8}) {
      double sigma = NoiseCalibration.noiseFor(target, DELTA, q, steps);
      double eps = PrivacyPlanner.epsilon(q, sigma, steps, DELTA);
      assertTrue(eps <= target, "epsilon " + eps + " at sigma " + sigma + " exceeds " + target);
      double looser = PrivacyPlanner.epsilon(q, sigma / (1 + 2 * PrivacyPlanner.RELATIVE_TOLERANCE), steps, DELTA);
      assertTrue(looser > target, "sigma " + sigma + " is not the smallest for " + target);
      assertTrue(sigma < previous, "more epsilon, less noise");
      previous = sigma;
    }
  }

  @Test
  void forJob_tenRoundsAtASite_spendsTheTargetOverTheWholeJob() {
    List<FeatureSpec> features = List.of(FeatureSpec.numeric("x"));
    JobSpec job = new JobSpec("j", "churn", ModelSpec.logisticRegression(0), features,
        LabelSpec.positiveIf("y", "1"), List.of("a", "b"), 10, 2, 0.5, 128, 2, 1L);
    DpSpec dp = NoiseCalibration.forJob(job, 5587, 3, DELTA, 1.5);
    assertEquals(1.5, dp.maxGradNorm());
    assertEquals(DELTA, dp.delta());
    DpSteps perRound = LocalTrainer.plannedSteps(job.withPrivacy(
        new PrivacySpec(false, dp)), 5587);
    double eps = DpReleases.accountant(DpReleases.RELEASES_PER_JOB)
        .compose(perRound.samplingRate(), dp.noiseMultiplier(), 10 * perRound.steps()).spent(DELTA).epsilon();
    assertTrue(eps <= 3 && eps > 2.99, "whole job epsilon, its statistics and evaluation included: " + eps);
    double trainingAlone = PrivacyPlanner.epsilon(perRound.samplingRate(), dp.noiseMultiplier(),
        10 * perRound.steps(), DELTA);
    assertTrue(trainingAlone < eps, "the releases are counted: " + trainingAlone + " < " + eps);
  }

  @Test
  void forJob_distributed_oneStepPerRound() {
    List<FeatureSpec> features = List.of(FeatureSpec.numeric("x"));
    JobSpec job = new JobSpec("j", "churn", ModelSpec.logisticRegression(0), features,
        LabelSpec.positiveIf("y", "1"), List.of("a", "b"), 200, 2, 0.5, 128, 2, 1L);
    DpSpec dp = NoiseCalibration.forJob(job, 1280, 1, DELTA, 1.0, true);
    assertTrue(dp.distributed());
    double eps = DpReleases.accountant(DpReleases.RELEASES_PER_JOB).compose(0.1, dp.noiseMultiplier(), 200)
        .spent(DELTA).epsilon();
    assertTrue(eps <= 1 && eps > 0.99, "200 steps at q = 0.1 with the releases: " + eps);
  }

  @Test
  void noiseFor_unreachableTarget_isRejected() {
    assertThrows(IllegalArgumentException.class, () -> NoiseCalibration.noiseFor(1e-4, DELTA, 0.5, 100));
    assertThrows(IllegalArgumentException.class, () -> NoiseCalibration.noiseFor(0, DELTA, 0.5, 100));
  }
}
