package dev.tandem.coordinator.store;

import dev.tandem.coordinator.jobs.JobEvent.RoundCompleted;
import dev.tandem.coordinator.jobs.JobState;
import dev.tandem.model.JobSpec;
import dev.tandem.model.vertical.VerticalJobSpec;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The coordinator's persisted jobs and model versions.
 *
 * <p>Implementations are thread-safe and durable: what a method stored is there after a restart.
 */
public interface ModelRegistry extends AutoCloseable {
  void jobStarted(JobSpec spec, Instant at);

  /** Stores a vertical job with its spec, so that scoring finds its parties and purpose later. */
  void jobStarted(VerticalJobSpec spec, Instant at);

  void jobEnded(String jobId, JobState state, String reason, Instant at);

  void saveVersion(StoredModel model);

  /** A horizontal or vertical job. */
  Optional<JobRecord> job(String jobId);

  /** Versions of one horizontal job, or of all horizontal jobs when {@code jobId} is null, oldest first. */
  List<StoredModel> versions(String jobId);

  /** A version of a horizontal model; empty for a vertical one. */
  Optional<StoredModel> version(String version);

  /**
   * A version of a vertical model: the coordinator holds no weights of it (each party keeps its
   * piece), only the job's spec and the metrics of its last epoch.
   */
  record VerticalVersion(String version, VerticalJobSpec job, Instant created, RoundCompleted metrics) {
    public VerticalVersion {
      if (version == null || version.isBlank() || job == null || created == null || metrics == null) {
        throw new IllegalArgumentException("a vertical version needs a name, its job, a time and its metrics");
      }
    }

    /** The epoch the version was trained to. */
    public int round() {
      return metrics.round();
    }
  }

  void saveVersion(VerticalVersion model);

  /** Versions of one vertical job, or of all vertical jobs when {@code jobId} is null, oldest first. */
  List<VerticalVersion> verticalVersions(String jobId);

  /** A version of a vertical model; empty for a horizontal one. */
  Optional<VerticalVersion> verticalVersion(String version);

  /** The latest audit log head this coordinator countersigned for a site. */
  record SignedHead(long seq, byte[] hash, Instant at) {}

  Optional<SignedHead> lastCountersigned(String site);

  /** Records a countersigned head as the site's latest. */
  void countersigned(String site, long seq, byte[] hash, Instant at);

  /** Marks jobs left running by a previous process as failed; returns their ids. */
  List<String> failInterruptedJobs(Instant at);

  @Override
  void close();
}
