package dev.tandem.node.vertical;

import dev.tandem.node.data.LocalData;
import dev.tandem.proto.VerticalWire;
import dev.tandem.proto.v1.Task;
import dev.tandem.proto.v1.VerticalMessage;
import dev.tandem.proto.v1.VerticalTask;
import java.time.Clock;
import java.time.Instant;
import java.util.BitSet;
import java.util.HashSet;
import java.util.Set;

/**
 * Consent re-read at the start of every epoch of a vertical job. At VERTICAL_EPOCH_CONSENT the party
 * reads the consent in force now for its aligned subjects and answers the aligned row indices it no
 * longer uses (never the ids), cumulatively: a subject revoked or erased since alignment leaves that
 * epoch and every later one. The coordinator unions every party's rows and relays the union with
 * the epoch's SSHE_OPEN; the party accepts only a union that holds its own dropped rows and every
 * row dropped in an earlier epoch, and its {@link dev.tandem.vertical.sshe.SsheParty} leaves those
 * rows out from then on.
 */
final class EpochConsent {
  private final VerticalConsent consent;
  private final Clock clock;
  private final VerticalGuards guards;

  EpochConsent(VerticalConsent consent, Clock clock, VerticalGuards guards) {
    this.consent = consent;
    this.clock = clock;
    this.guards = guards;
  }

  /** VERTICAL_EPOCH_CONSENT: re-reads consent for the aligned subjects; answers every row dropped so far. */
  VerticalMessage.Builder recheck(VerticalSession s, Task task) throws Refusal {
    VerticalTask t = task.getVertical();
    Instant at = clock.instant();
    Set<String> consented = ids(consent.select(s.spec.purpose(), s.data, at));
    for (int i = 0; i < s.aligned.size(); i++) {
      if (!consented.contains(s.aligned.get(i))) {
        s.ownDropped.set(i);
      }
    }
    BitSet known = (BitSet) s.ownDropped.clone();
    known.or(s.dropped);
    guards.epochRows(s.spec, t.getEpoch(), s.batches, known);
    s.epochConsentAt = at;
    return VerticalMessage.newBuilder().addAllDroppedRows(VerticalWire.rowIndices(s.ownDropped.stream().toArray()));
  }

  /**
   * SSHE_OPEN: checks the union of dropped rows the task relays and fixes it for the epoch.
   *
   * @throws Refusal INVALID_ARGUMENT for a malformed union or one without this party's own or earlier
   *     dropped rows; FAILED_PRECONDITION from the guards
   */
  void union(VerticalSession s, Task task) throws Refusal {
    VerticalTask t = task.getVertical();
    BitSet union = new BitSet();
    try {
      for (int row : VerticalWire.rowIndices(t.getDroppedRowsList(), s.aligned.size())) {
        union.set(row);
      }
    } catch (IllegalArgumentException e) {
      throw Refusal.malformed("the dropped rows relayed with " + t.getStage() + " of job " + s.jobId()
          + " are refused: " + e.getMessage());
    }
    int epoch = t.getEpoch();
    int missingOwn = missing(union, s.ownDropped);
    if (missingOwn > 0) {
      throw Refusal.malformed("the dropped rows relayed for epoch " + epoch + " of job " + s.jobId() + " leave out "
          + missingOwn + " of the " + s.ownDropped.cardinality() + " rows site '" + s.site + "' dropped");
    }
    int back = missing(union, s.dropped);
    if (back > 0) {
      throw Refusal.malformed("the dropped rows relayed for epoch " + epoch + " of job " + s.jobId() + " bring back "
          + back + " rows dropped in an earlier epoch");
    }
    guards.epochRows(s.spec, epoch, s.batches, union);
    s.startEpoch(epoch, union);
  }

  /** How many rows of {@code required} are not in {@code union}. */
  private static int missing(BitSet union, BitSet required) {
    BitSet out = (BitSet) required.clone();
    out.andNot(union);
    return out.cardinality();
  }

  private static Set<String> ids(LocalData consented) {
    Set<String> out = new HashSet<>();
    consented.trainIds().forEach(out::add);
    consented.testIds().forEach(out::add);
    return out;
  }
}
