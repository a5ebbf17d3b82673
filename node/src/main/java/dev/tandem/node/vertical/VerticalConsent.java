package dev.tandem.node.vertical;

import dev.tandem.node.data.DataVersion;
import dev.tandem.model.vertical.VerticalJobSpec;
import dev.tandem.node.data.LocalData;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The node's consent decisions as a vertical job needs them. Implementations audit what they decide
 * and are called from one worker thread at a time.
 */
public interface VerticalConsent {
  /**
   * Why the node will not serve {@code job} at all: its purpose is not served, or another party is
   * not an accepted partner. The first decision about a job is audited.
   */
  Optional<String> refusal(VerticalJobSpec job);

  /**
   * As {@link #refusal(VerticalJobSpec)}, with {@code dataRefusal} (why the site's records cannot serve the
   * job, asked only when nothing else refuses it) decided, and audited, as the job's refusal too.
   */
  default Optional<String> refusal(VerticalJobSpec job, Supplier<Optional<String>> dataRefusal) {
    return refusal(job).or(dataRefusal);
  }

  /** The records of {@code data} (both splits) whose consent for {@code purpose} is in force at {@code at}. */
  LocalData select(String purpose, LocalData data, Instant at);

  /**
   * Why the node will not contribute from {@code records} records of a job for {@code purpose}: fewer
   * than the purpose's floor.
   *
   * @param what describes the records, e.g. {@code "records consented for 'credit'"}
   */
  Optional<String> cohortRefusal(String purpose, long records, String what);

  /**
   * Audits the node's contribution to a vertical job, one entry per epoch (round = epoch, the
   * subjects whose records that epoch used, committed by their pseudonyms, and the consent instant
   * of the epoch's start), before the answer that stores the model piece leaves (write-ahead);
   * {@link #answered} records the outcome.
   *
   * @param modelVersion the model version every epoch went into
   * @param dataVersion the version of the data snapshot the job read
   * @param epochs what each epoch used, in order
   */
  void contributed(VerticalJobSpec job, String modelVersion, DataVersion dataVersion,
      List<EpochUse> epochs);

  /**
   * Records the outcome of the answer audited by {@link #contributed}: an {@code ANSWER_REFUSED}
   * entry if the coordinator refused it (the contribution entries stand: it may have read the answer),
   * then has the coordinator countersign the log head.
   *
   * @param epoch the epoch of the answer
   * @param sent the bytes sent
   */
  void answered(VerticalJobSpec job, int epoch, boolean accepted, byte[] sent);
}
