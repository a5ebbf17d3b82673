package dev.tandem.coordinator.vertical;

import dev.tandem.proto.v1.VerticalStage;
import java.util.List;
import java.util.Objects;

/**
 * A party's answer to one stage of a vertical job or to a scoring request, once mapped from the wire.
 *
 * @param sealKey the party's signed seal key (setup only), else null
 * @param outbox sealed messages for other parties
 * @param scoreMasks VERTICAL_SCORE: the party's masks (one value, 8 bytes per id asked); empty otherwise
 * @param records consented records (setup) or an intersection size (alignment)
 * @param loss the guest's epoch loss
 * @param auc the guest's training AUC
 * @param droppedRows VERTICAL_EPOCH_CONSENT: the aligned rows the party no longer uses, as sent (checked
 *     against the intersection by the runner)
 * @throws IllegalArgumentException if the stage is unspecified or a count is negative
 */
public record VerticalAnswer(String taskId, String jobId, int round, VerticalStage stage, SealKey sealKey,
    List<Envelope> outbox, List<byte[]> scoreMasks, long records, double loss, double auc, List<Integer> droppedRows) {
  public VerticalAnswer {
    Objects.requireNonNull(taskId, "taskId");
    Objects.requireNonNull(jobId, "jobId");
    if (stage == null || stage == VerticalStage.VERTICAL_STAGE_UNSPECIFIED || stage == VerticalStage.UNRECOGNIZED) {
      throw new IllegalArgumentException("the answer must name its vertical stage, got " + stage);
    }
    if (round < 0) {
      throw new IllegalArgumentException("round must be >= 0, got " + Integer.toUnsignedString(round));
    }
    if (records < 0) {
      throw new IllegalArgumentException("records must be >= 0, got " + Long.toUnsignedString(records));
    }
    outbox = List.copyOf(outbox);
    droppedRows = List.copyOf(droppedRows);
    scoreMasks = scoreMasks.stream().map(byte[]::clone).toList();
  }

  @Override
  public List<byte[]> scoreMasks() {
    return scoreMasks.stream().map(byte[]::clone).toList();
  }
}
