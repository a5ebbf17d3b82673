package dev.tandem.coordinator.store;

import dev.tandem.coordinator.jobs.JobEvent.RoundCompleted;
import dev.tandem.model.JobSpec;
import dev.tandem.model.Normalization;
import java.time.Instant;

/** One model version: the global parameters after a round, with what is needed to use them. */
public record StoredModel(String version, JobSpec job, int round, Instant created,
    Normalization normalization, double[] parameters, RoundCompleted metrics) {
  public StoredModel {
    parameters = parameters.clone();
  }

  @Override
  public double[] parameters() {
    return parameters.clone();
  }

  /** The version name of a job's round: {@code <job id>/v<round>}. */
  public static String versionName(String jobId, int round) {
    return jobId + "/v" + round;
  }
}
