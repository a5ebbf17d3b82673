package dev.tandem.node.agent;

import dev.tandem.model.FeatureEncoder;
import dev.tandem.model.JobSpec;
import dev.tandem.model.Normalization;
import dev.tandem.node.data.LocalData;
import dev.tandem.node.training.EncodedData;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The encoded training and held-out records of each job's latest selection, kept while the
 * normalization and the selected records stay the same (a round's train and evaluate tasks share
 * them).
 *
 * <p>A selection is keyed by a SHA-256 digest of its sorted training ids and sorted held-out ids, each
 * length-prefixed: two selections share a key only if they hold exactly the same records, so a
 * revocation that swaps one record for another whose id has the same Java hash (as "C-10Aa" and
 * "C-10BB" do) cannot reuse the revoked record's rows.
 */
final class Selections {
  /** A job's selection, encoded with the round's normalization. */
  record Encoded(Normalization normalization, SelectionKey selection, EncodedData train, EncodedData test) {}

  /** The digest of a selection's record ids; equal exactly when the selections hold the same ids. */
  record SelectionKey(String sha256) {
    /** The key of a selection with these training and held-out ids (in any order). */
    static SelectionKey of(Collection<String> trainIds, Collection<String> testIds) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      try {
        for (Collection<String> ids : List.of(trainIds, testIds)) {
          out.writeInt(ids.size());
          for (String id : new TreeSet<>(ids)) {
            byte[] b = id.getBytes(StandardCharsets.UTF_8);
            out.writeInt(b.length);
            out.write(b);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return new SelectionKey(Answers.sha256(bytes.toByteArray()));
    }
  }

  private final Map<String, Encoded> byJob = new ConcurrentHashMap<>();

  /** The selection {@code view} of {@code job}, encoded with {@code normalization}. */
  Encoded encoded(JobSpec job, Normalization normalization, LocalData view) {
    SelectionKey selection = SelectionKey.of(view.trainIds(), view.testIds());
    Encoded cached = byJob.get(job.jobId());
    if (cached != null && cached.normalization().equals(normalization) && cached.selection().equals(selection)) {
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
