package dev.tandem.node.agent;

import dev.tandem.model.FeatureEncoder;
import dev.tandem.model.JobSpec;
import dev.tandem.model.Normalization;
import dev.tandem.node.data.LocalData;
import dev.tandem.node.training.EncodedData;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The encoded training and held-out records of each job's latest selection, kept while the
 * normalization and the selected records stay the same (a round's train and evaluate tasks share
 * them).
 */
final class Selections {
  /** A job's selection, encoded with the round's normalization. */
  record Encoded(Normalization normalization, int selection, EncodedData train, EncodedData test) {}

  private final Map<String, Encoded> byJob = new ConcurrentHashMap<>();

  /** The selection {@code view} of {@code job}, encoded with {@code normalization}. */
  Encoded encoded(JobSpec job, Normalization normalization, LocalData view) {
    int selection = 31 * view.trainIds().hashCode() + view.testIds().hashCode();
    Encoded cached = byJob.get(job.jobId());
    if (cached != null && cached.normalization().equals(normalization) && cached.selection() == selection) {
      return cached;
    }
    FeatureEncoder encoder = new FeatureEncoder(job.features(), normalization);
    Encoded fresh = new Encoded(normalization, selection, EncodedData.of(view.train(), encoder, job.label()),
        EncodedData.of(view.test(), encoder, job.label()));
    byJob.put(job.jobId(), fresh);
    return fresh;
  }

  /** Forgets a job's selection. */
  void forget(String jobId) {
    byJob.remove(jobId);
  }
}
