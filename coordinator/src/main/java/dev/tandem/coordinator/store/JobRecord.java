package dev.tandem.coordinator.store;

import dev.tandem.coordinator.jobs.JobState;
import dev.tandem.model.JobSpec;
import dev.tandem.model.vertical.VerticalJobSpec;
import java.time.Instant;

/**
 * A job as stored: its spec, state and, once ended, why.
 *
 * <p>Exactly one of {@code spec} (a horizontal job) and {@code vertical} (a vertical job) is set.
 */
public record JobRecord(JobSpec spec, VerticalJobSpec vertical, JobState state, String reason, Instant created,
    Instant finished) {
  public JobRecord {
    if ((spec == null) == (vertical == null)) {
      throw new IllegalArgumentException("a job record holds exactly one of a horizontal and a vertical spec");
    }
  }

  /** Whether this is a vertical job ({@link #vertical()} is set). */
  public boolean isVertical() {
    return vertical != null;
  }

  public String jobId() {
    return isVertical() ? vertical.jobId() : spec.jobId();
  }

  public String purpose() {
    return isVertical() ? vertical.purpose() : spec.purpose();
  }
}
