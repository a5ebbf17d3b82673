package dev.tandem.coordinator.store;

import dev.tandem.coordinator.jobs.JobState;
import dev.tandem.model.JobSpec;
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

  void jobEnded(String jobId, JobState state, String reason, Instant at);

  void saveVersion(StoredModel model);

  Optional<JobRecord> job(String jobId);

  /** Versions of one job, or of all jobs when {@code jobId} is null, oldest first. */
  List<StoredModel> versions(String jobId);

  Optional<StoredModel> version(String version);

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
