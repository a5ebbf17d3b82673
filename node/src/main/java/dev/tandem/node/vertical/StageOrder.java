package dev.tandem.node.vertical;

import static dev.tandem.proto.v1.VerticalStage.VERTICAL_ALIGN_BLIND;
import static dev.tandem.proto.v1.VerticalStage.VERTICAL_ALIGN_CONFIRM;
import static dev.tandem.proto.v1.VerticalStage.VERTICAL_ALIGN_INTERSECT;
import static dev.tandem.proto.v1.VerticalStage.VERTICAL_ALIGN_REBLIND;
import static dev.tandem.proto.v1.VerticalStage.VERTICAL_EPOCH_CONSENT;
import static dev.tandem.proto.v1.VerticalStage.VERTICAL_FORWARD;
import static dev.tandem.proto.v1.VerticalStage.VERTICAL_GRADIENT;
import static dev.tandem.proto.v1.VerticalStage.VERTICAL_LOSS;
import static dev.tandem.proto.v1.VerticalStage.VERTICAL_RESIDUAL;
import static dev.tandem.proto.v1.VerticalStage.VERTICAL_SETUP;
import static dev.tandem.proto.v1.VerticalStage.VERTICAL_UPDATE;

import dev.tandem.proto.v1.VerticalStage;

/**
 * The order in which one party does the stages of a vertical job: setup, the four alignment stages
 * (confirm at hosts only), then for each epoch the consent re-check, and for each batch in turn
 * forward (hosts) or residual (guest), gradient and update, the guest's loss after an epoch's last
 * batch, and finally evaluate after a complete epoch. A stage out of order is refused, so a
 * replayed or skipped task cannot desynchronize the party's cryptographic state, nor an epoch start
 * without its consent re-check.
 */
final class StageOrder {
  private final String jobId;
  private final boolean guest;
  private VerticalStage last = VERTICAL_SETUP;
  private int epoch;
  private int batch;
  private int batches;
  private int epochs;

  StageOrder(String jobId, boolean guest) {
    this.jobId = jobId;
    this.guest = guest;
  }

  /** Fixes the number of batches per epoch and the most epochs, once the rows are aligned. */
  void aligned(int batches, int epochs) {
    this.batches = batches;
    this.epochs = epochs;
  }

  int batches() {
    return batches;
  }

  /** The epoch of the last stage done (1-based; 0 before training). */
  int epoch() {
    return epoch;
  }

  /**
   * Records that {@code stage} of {@code e} and {@code b} is done next.
   *
   * @throws Refusal FAILED_PRECONDITION when it does not follow the last stage
   */
  void advance(VerticalStage stage, int e, int b) throws Refusal {
    if (!follows(stage, e, b)) {
      throw Refusal.precondition("stage " + stage + " (epoch " + e + ", batch " + b + ") does not follow stage "
          + last + " (epoch " + epoch + ", batch " + batch + ") for the " + (guest ? "guest" : "host") + " of job "
          + jobId);
    }
    last = stage;
    if (stage != VerticalStage.VERTICAL_EVALUATE) {
      epoch = e;
      batch = b;
    }
  }

  private boolean follows(VerticalStage stage, int e, int b) {
    boolean training = e >= 1 && e <= epochs && b >= 0 && b < batches;
    return switch (stage) {
      case VERTICAL_ALIGN_BLIND -> last == VERTICAL_SETUP;
      case VERTICAL_ALIGN_REBLIND -> last == VERTICAL_ALIGN_BLIND;
      case VERTICAL_ALIGN_INTERSECT -> last == VERTICAL_ALIGN_REBLIND;
      case VERTICAL_ALIGN_CONFIRM -> !guest && last == VERTICAL_ALIGN_INTERSECT;
      case VERTICAL_EPOCH_CONSENT -> e >= 1 && e <= epochs && b == 0 && startsEpoch(e);
      case VERTICAL_FORWARD -> !guest && training && startsBatch(e, b);
      case VERTICAL_RESIDUAL -> guest && training && startsBatch(e, b);
      case VERTICAL_GRADIENT -> training && last == (guest ? VERTICAL_RESIDUAL : VERTICAL_FORWARD) && same(e, b);
      case VERTICAL_UPDATE -> training && last == VERTICAL_GRADIENT && same(e, b);
      case VERTICAL_LOSS -> guest && last == VERTICAL_UPDATE && e == epoch && batch == batches - 1;
      case VERTICAL_EVALUATE -> guest ? last == VERTICAL_LOSS
          : last == VERTICAL_UPDATE && batch == batches - 1;
      default -> false;
    };
  }

  /** Whether batch b of epoch e is the next one to start. */
  private boolean startsBatch(int e, int b) {
    if (last == VERTICAL_EPOCH_CONSENT) {
      return e == epoch && b == 0;
    }
    return last == VERTICAL_UPDATE && batch < batches - 1 && e == epoch && b == batch + 1;
  }

  /** Whether epoch e is the next one to start. */
  private boolean startsEpoch(int e) {
    if (last == (guest ? VERTICAL_ALIGN_INTERSECT : VERTICAL_ALIGN_CONFIRM)) {
      return e == 1;
    }
    boolean epochDone = guest ? last == VERTICAL_LOSS : last == VERTICAL_UPDATE && batch == batches - 1;
    return epochDone && e == epoch + 1;
  }

  private boolean same(int e, int b) {
    return e == epoch && b == batch;
  }
}
