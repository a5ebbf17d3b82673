package dev.tandem.node.vertical;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What one party used in one epoch of a vertical job, as its audit records it.
 *
 * @param epoch the epoch (1-based)
 * @param consentAt when the party re-read consent at the epoch's start
 * @param subjectIds the aligned subjects whose rows the epoch used (dropped ones left out)
 * @param sent the last answer of the epoch the coordinator accepted (SSHE_STORE's for the last
 *     epoch); copied in and out
 */
public record EpochUse(int epoch, Instant consentAt, List<String> subjectIds, byte[] sent) {
  public EpochUse {
    if (epoch < 1) {
      throw new IllegalArgumentException("epoch must be at least 1, got " + epoch);
    }
    Objects.requireNonNull(consentAt, "consentAt");
    subjectIds = List.copyOf(subjectIds);
    sent = Objects.requireNonNull(sent, "sent").clone();
  }

  @Override
  public byte[] sent() {
    return sent.clone();
  }

  /** An epoch in progress: its answers are still being sent. */
  static final class Builder {
    final int epoch;
    private final Instant consentAt;
    private final List<String> subjectIds;
    byte[] sent = new byte[0];

    Builder(int epoch, Instant consentAt, List<String> subjectIds) {
      this.epoch = epoch;
      this.consentAt = consentAt;
      this.subjectIds = subjectIds;
    }

    EpochUse build(byte[] sent) {
      return new EpochUse(epoch, consentAt, subjectIds, sent);
    }
  }
}
