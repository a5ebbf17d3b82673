package dev.tandem.node.privacy;

import dev.tandem.crypto.dp.PrivacyPlanner;
import dev.tandem.model.DpSpec;
import dev.tandem.model.JobSpec;
import dev.tandem.model.PrivacySpec;
import dev.tandem.node.training.DpSteps;
import dev.tandem.node.training.LocalTrainer;
import java.util.Map;
import java.util.Objects;

/** Chooses DP-SGD noise for a target epsilon, to configure jobs at epsilon 1, 3, 8. Stateless and thread-safe. */
public final class NoiseCalibration {

  private NoiseCalibration() {
  }

  /**
   * The smallest noise multiplier (within 0.1%) whose {@code totalSteps} steps at sampling rate
   * {@code samplingRate} spend at most {@code targetEpsilon} at {@code delta}; see
   * {@link PrivacyPlanner#noiseMultiplierFor}.
   *
   * @throws IllegalArgumentException when an argument is out of range or the target is unreachable
   */
  public static double noiseFor(double targetEpsilon, double delta, double samplingRate, long totalSteps) {
    return PrivacyPlanner.noiseMultiplierFor(targetEpsilon, samplingRate, totalSteps, delta);
  }

  /**
   * DP settings for {@code spec} at a site of {@code rows} training records that takes part in all
   * {@code spec.rounds()} rounds: the noise multiplier that keeps the whole job, its
   * {@link DpReleases#RELEASES_PER_JOB} releases of statistics and evaluation included, within
   * {@code targetEpsilon} at {@code delta}, with clipping norm {@code maxGradNorm}. Sites with more
   * records sample at a lower rate and spend less.
   *
   * @throws IllegalArgumentException when an argument is out of range or the target is unreachable
   */
  public static DpSpec forJob(JobSpec spec, int rows, double targetEpsilon, double delta, double maxGradNorm) {
    return forJob(spec, rows, targetEpsilon, delta, maxGradNorm, false);
  }

  /** As above, for per-site DP-SGD or, with {@code distributed}, one noisy step per round over the union. */
  public static DpSpec forJob(JobSpec spec, int rows, double targetEpsilon, double delta, double maxGradNorm,
      boolean distributed) {
    Objects.requireNonNull(spec, "spec");
    DpSpec probe = new DpSpec(1, maxGradNorm, delta, distributed, Map.of());
    DpSteps perRound = LocalTrainer.plannedSteps(spec.withPrivacy(
        new PrivacySpec(spec.privacy().secureAggregation() || distributed, probe)), rows);
    long total = Math.multiplyExact(perRound.steps(), (long) spec.rounds());
    double z = PrivacyPlanner.noiseMultiplierFor(targetEpsilon, perRound.samplingRate(), total, delta,
        DpReleases.accountant(DpReleases.RELEASES_PER_JOB));
    return new DpSpec(z, maxGradNorm, delta, distributed, Map.of());
  }
}
