package dev.tandem.node.vertical;

import dev.tandem.crypto.paillier.PaillierParameters;
import dev.tandem.model.vertical.VerticalJobSpec;
import dev.tandem.vertical.sshe.FixedBatches;
import java.util.BitSet;
import java.util.Objects;
import java.util.Optional;

/**
 * The checks this node makes on every vertical job on its own side, whatever the job spec says
 * (docs/VERTICAL_PROTOCOL.md, "Guards"): the batch floor, the minimum cohort after alignment and in
 * every epoch, the key size, and the size of a peer's PSI set. Each refusal is FAILED_PRECONDITION
 * and names the rule, the numbers and the setting behind it. Independent of the cryptographic
 * protocol: it sees sizes, never values.
 */
final class VerticalGuards {
  private final String site;
  private final VerticalPolicy policy;
  private final VerticalConsent consent;

  VerticalGuards(String site, VerticalPolicy policy, VerticalConsent consent) {
    this.site = Objects.requireNonNull(site, "site");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.consent = Objects.requireNonNull(consent, "consent");
  }

  VerticalPolicy policy() {
    return policy;
  }

  /** The batch floor of {@code job} at this node. */
  BatchFloor floor(VerticalJobSpec job) {
    return BatchFloor.of(job, policy.minBatchSize());
  }

  /** Refuses a job whose batch size is below this node's floor. */
  void batchSize(VerticalJobSpec job) throws Refusal {
    BatchFloor floor = floor(job);
    int batch = job.training().batchSize();
    if (batch < floor.value()) {
      throw Refusal.precondition("site '" + site + "' refuses job " + job.jobId() + ": batch size " + batch
          + " is below its batch floor " + floor.explain() + "; a batch no larger than a party's gradient lets that"
          + " party solve for the values it was summed over (the site minimum is vertical.minBatchSize)");
    }
  }

  /** Refuses a key below 2048 bits unless the node allows testing keys. */
  void keySize(VerticalJobSpec job, PaillierParameters key) throws Refusal {
    if (key.modulusBits() < VerticalPolicy.MIN_KEY_BITS && !policy.allowTestingKeys()) {
      throw Refusal.precondition("site '" + site + "' refuses job " + job.jobId() + ": its Paillier key "
          + key.name() + " has " + key.modulusBits() + " bits, fewer than the " + VerticalPolicy.MIN_KEY_BITS
          + " this site requires (set vertical.allowTestingKeys: true in the node configuration for tests only)");
    }
  }

  /**
   * Refuses an intersection smaller than the batch floor or the node's minimum cohort.
   *
   * @param what describes the rows, e.g. "subjects in the intersection of job j"
   */
  void aligned(VerticalJobSpec job, long rows, String what) throws Refusal {
    BatchFloor floor = floor(job);
    if (rows < floor.value()) {
      throw Refusal.precondition("site '" + site + "' has " + rows + " " + what + ", fewer than its batch floor "
          + floor.explain() + "; a batch of them all would be too small");
    }
    cohort(job, rows, what);
  }

  private void cohort(VerticalJobSpec job, long rows, String what) throws Refusal {
    Optional<String> small = consent.cohortRefusal(job.purpose(), rows, what);
    if (small.isPresent()) {
      throw Refusal.precondition(small.get());
    }
  }

  /**
   * Refuses to re-blind a peer's PSI set that is larger than the records the peer declared at
   * setup, or than {@code maxPeerSetFactor} times this node's own consented set.
   *
   * @param blinded the number of ids the peer blinded
   * @param declared the records the peer declared at setup, as the coordinator relayed them
   * @param own this node's consented records for the job
   */
  void peerSet(VerticalJobSpec job, String peer, int blinded, long declared, int own) throws Refusal {
    if (blinded > declared) {
      throw Refusal.precondition("site '" + site + "' refuses to re-blind the " + blinded + " ids site '" + peer
          + "' blinded in job " + job.jobId() + ": more than the " + declared + " consented records it declared at"
          + " setup; a party blinds exactly its consented ids");
    }
    double cap = Math.floor(policy.maxPeerSetFactor() * own);
    if (blinded > cap) {
      throw Refusal.precondition("site '" + site + "' refuses to re-blind the " + blinded + " ids site '" + peer
          + "' blinded in job " + job.jobId() + ": more than " + policy.maxPeerSetFactor() + " x its own "
          + own + " consented records (" + (long) cap + ", vertical.maxPeerSetFactor)");
    }
  }

  /**
   * Refuses an epoch whose rows, once {@code dropped} are skipped, make a batch smaller than the
   * floor or leave fewer subjects than the minimum cohort.
   */
  void epochRows(VerticalJobSpec job, int epoch, FixedBatches batches, BitSet dropped) throws Refusal {
    int rows = 0;
    for (int b = 0; b < batches.count(); b++) {
      rows += batches.rows(b).length;
    }
    int left = rows - dropped.cardinality();
    cohort(job, left, "aligned records still consented for '" + job.purpose() + "' in epoch " + epoch + " of job "
        + job.jobId());
    if (dropped.isEmpty()) {
      return;
    }
    BatchFloor floor = floor(job);
    for (int b = 0; b < batches.count(); b++) {
      int[] batch = batches.rows(b);
      int kept = 0;
      for (int row : batch) {
        if (!dropped.get(row)) {
          kept++;
        }
      }
      if (kept < floor.value()) {
        throw Refusal.precondition("site '" + site + "' declines epoch " + epoch + " of job " + job.jobId()
            + ": batch " + b + " keeps " + kept + " of its " + batch.length + " rows once the " + dropped.cardinality()
            + " rows whose consent was withdrawn are skipped, fewer than its batch floor " + floor.explain());
      }
    }
  }
}
