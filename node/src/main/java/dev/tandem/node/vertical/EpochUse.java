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
 * @param sent the epoch's first answer, SSHE_OPEN's, before which the entry is written; copied in and out
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
}
