package dev.tandem.node.vertical;

import dev.tandem.node.data.DataVersion;
import dev.tandem.model.vertical.VerticalJobSpec;
import dev.tandem.node.data.LocalData;
import java.time.Instant;
import java.util.Collection;
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

  /** A use of the records in a vertical job other than an epoch of training. */
  enum Use {
    /** VERTICAL_ALIGN_BLIND: the blinded ids of the consented subjects (set membership leaves, blinded). */
    ALIGNMENT,
    /** SSHE_SETUP: the aligned rows' features, encrypted under the party's own key. */
    TRAINING_SETUP,
    /** The evaluation stages after SSHE_STORE: the binned scores of the last epoch's rows. */
    EVALUATION
  }

  /**
   * Audits one epoch of the node's contribution to a vertical job ({@code ROUND_CONTRIBUTED}, round =
   * epoch, the subjects whose records the epoch uses, committed by their pseudonyms, the consent
   * instant of the epoch's start, no model version: it is known only when the model is stored), before
   * the epoch's first answer ({@code epoch.sent()}) leaves (write-ahead); {@link #answered} records the
   * outcome.
   *
   * @param dataVersion the version of the data snapshot the job reads
   */
  void contributing(VerticalJobSpec job, DataVersion dataVersion, EpochUse epoch);

  /**
   * Audits a use of the records that is not an epoch ({@code RECORDS_USED}) before its first answer
   * ({@code sent}) leaves (write-ahead); {@link #answered} records the outcome.
   *
   * @param round 0 for alignment and setup, the epoch the model was stored after for the evaluation
   * @param consentAt when consent was read for the subjects
   * @param subjectIds the subjects whose records the use reads
   */
  void using(VerticalJobSpec job, int round, Use use, Instant consentAt, Collection<String> subjectIds,
      DataVersion dataVersion, byte[] sent);

  /**
   * Records the outcome of an answer audited by {@link #contributing} or {@link #using}: an {@code ANSWER_REFUSED}
   * entry if the coordinator refused it (the entry before stands: it may have read the answer),
   * then has the coordinator countersign the log head.
   *
   * @param round the round of the entry the answer was audited under
   * @param sent the bytes sent
   */
  void answered(VerticalJobSpec job, int round, boolean accepted, byte[] sent);
}
