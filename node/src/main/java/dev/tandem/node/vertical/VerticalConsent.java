package dev.tandem.node.vertical;

import dev.tandem.model.vertical.VerticalJobSpec;
import dev.tandem.node.data.LocalData;
import java.time.Instant;
import java.util.Collection;
import java.util.Optional;

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

  /** The records of {@code data} (both splits) whose consent for {@code purpose} is in force at {@code at}. */
  LocalData select(String purpose, LocalData data, Instant at);

  /**
   * Why the node will not contribute from {@code records} records: fewer than its floor.
   *
   * @param what describes the records, e.g. {@code "records consented for 'credit'"}
   */
  Optional<String> cohortRefusal(long records, String what);

  /**
   * Audits the node's contribution to a vertical job (the subjects whose records trained the model
   * piece, committed by their pseudonyms), then has the coordinator countersign the log head.
   *
   * @param sent the bytes of the answer the coordinator accepted
   */
  void contributed(VerticalJobSpec job, int round, String modelVersion, Instant consentAt,
      Collection<String> subjectIds, byte[] sent);
}
