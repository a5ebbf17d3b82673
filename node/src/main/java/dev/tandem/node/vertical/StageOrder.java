package dev.tandem.node.vertical;

import static dev.tandem.proto.v1.VerticalStage.SSHE_EVAL_AUC;
import static dev.tandem.proto.v1.VerticalStage.SSHE_EVAL_HISTOGRAM;
import static dev.tandem.proto.v1.VerticalStage.SSHE_EVAL_OPERANDS;
import static dev.tandem.proto.v1.VerticalStage.SSHE_EVAL_PRODUCT;
import static dev.tandem.proto.v1.VerticalStage.SSHE_EVAL_ROWS;
import static dev.tandem.proto.v1.VerticalStage.SSHE_EVAL_SHARE;
import static dev.tandem.proto.v1.VerticalStage.SSHE_FORWARD;
import static dev.tandem.proto.v1.VerticalStage.SSHE_GRADIENT;
import static dev.tandem.proto.v1.VerticalStage.SSHE_LOSS;
import static dev.tandem.proto.v1.VerticalStage.SSHE_LOSS_OPERANDS;
import static dev.tandem.proto.v1.VerticalStage.SSHE_LOSS_PRODUCTS;
import static dev.tandem.proto.v1.VerticalStage.SSHE_LOSS_SHARES;
import static dev.tandem.proto.v1.VerticalStage.SSHE_OPEN;
import static dev.tandem.proto.v1.VerticalStage.SSHE_REVEAL;
import static dev.tandem.proto.v1.VerticalStage.SSHE_SETUP;
import static dev.tandem.proto.v1.VerticalStage.SSHE_STORE;
import static dev.tandem.proto.v1.VerticalStage.VERTICAL_ALIGN_BLIND;
import static dev.tandem.proto.v1.VerticalStage.VERTICAL_ALIGN_CONFIRM;
import static dev.tandem.proto.v1.VerticalStage.VERTICAL_ALIGN_INTERSECT;
import static dev.tandem.proto.v1.VerticalStage.VERTICAL_ALIGN_REBLIND;
import static dev.tandem.proto.v1.VerticalStage.VERTICAL_EPOCH_CONSENT;
import static dev.tandem.proto.v1.VerticalStage.VERTICAL_SETUP;

import dev.tandem.proto.v1.VerticalStage;

/**
 * The order in which one party does the stages of a vertical job (docs/VERTICAL_PROTOCOL.md): setup,
 * the four alignment stages (confirm at hosts only), SSHE_SETUP, then for each epoch the consent
 * re-check, SSHE_OPEN, for each step SSHE_FORWARD and SSHE_GRADIENT, and the four loss stages; then
 * SSHE_REVEAL, SSHE_STORE and the evaluation (SSHE_EVAL_ROWS once per host, then histogram,
 * operands, product, share and AUC). Every party does every stage after alignment, so the envelopes
 * a task delivers were sealed at this party's previous stage ({@link #advance} returns it). A stage
 * out of order is refused, so a replayed or skipped task cannot desynchronize the party's
 * cryptographic state, nor an epoch start without its consent re-check.
 */
final class StageOrder {
  /** A stage with its epoch (1-based; 0 before training) and step (SSHE_EVAL_ROWS: its round). */
  record Position(VerticalStage stage, int epoch, int step) {}

  private final String jobId;
  private final boolean guest;
  private final int hosts;
  private VerticalStage last = VERTICAL_SETUP;
  private int epoch;
  private int step;
  private int batches;
  private int epochs;

  StageOrder(String jobId, boolean guest, int hosts) {
    this.jobId = jobId;
    this.guest = guest;
    this.hosts = hosts;
  }

  /** Fixes the number of steps per epoch and the most epochs, once the rows are aligned. */
  void aligned(int batches, int epochs) {
    this.batches = batches;
    this.epochs = epochs;
  }

  /** The epoch of the last stage done (1-based; 0 before training). */
  int epoch() {
    return epoch;
  }

  /**
   * Records that {@code stage} of epoch {@code e} and step {@code s} is done next.
   *
   * @return the stage done before it, whose envelopes the task delivers
   * @throws Refusal FAILED_PRECONDITION when it does not follow the last stage
   */
  Position advance(VerticalStage stage, int e, int s) throws Refusal {
    if (!follows(stage, e, s)) {
      throw Refusal.precondition("stage " + stage + " (epoch " + e + ", step " + s + ") does not follow stage "
          + last + " (epoch " + epoch + ", step " + step + ") for the " + (guest ? "guest" : "host") + " of job "
          + jobId);
    }
    Position previous = new Position(last, epoch, step);
    last = stage;
    epoch = e;
    step = s;
    return previous;
  }

  private boolean follows(VerticalStage stage, int e, int s) {
    boolean sameEpoch = e == epoch && e >= 1;
    boolean after = sameEpoch && s == 0;
    return switch (stage) {
      case VERTICAL_ALIGN_BLIND -> last == VERTICAL_SETUP && e == 0 && s == 0;
      case VERTICAL_ALIGN_REBLIND -> last == VERTICAL_ALIGN_BLIND && e == 0 && s == 0;
      case VERTICAL_ALIGN_INTERSECT -> last == VERTICAL_ALIGN_REBLIND && e == 0 && s == 0;
      case VERTICAL_ALIGN_CONFIRM -> !guest && last == VERTICAL_ALIGN_INTERSECT && e == 0 && s == 0;
      case SSHE_SETUP -> last == (guest ? VERTICAL_ALIGN_INTERSECT : VERTICAL_ALIGN_CONFIRM) && e == 0 && s == 0;
      case VERTICAL_EPOCH_CONSENT -> s == 0 && e <= epochs
          && (last == SSHE_SETUP ? e == 1 : last == SSHE_LOSS && e == epoch + 1);
      case SSHE_OPEN -> last == VERTICAL_EPOCH_CONSENT && after;
      case SSHE_FORWARD -> sameEpoch && (s == 0 ? last == SSHE_OPEN : last == SSHE_GRADIENT && s == step + 1)
          && s < batches;
      case SSHE_GRADIENT -> last == SSHE_FORWARD && sameEpoch && s == step;
      case SSHE_LOSS_OPERANDS -> last == SSHE_GRADIENT && step == batches - 1 && after;
      case SSHE_LOSS_PRODUCTS -> last == SSHE_LOSS_OPERANDS && after;
      case SSHE_LOSS_SHARES -> last == SSHE_LOSS_PRODUCTS && after;
      case SSHE_LOSS -> last == SSHE_LOSS_SHARES && after;
      case SSHE_REVEAL -> last == SSHE_LOSS && after;
      case SSHE_STORE -> last == SSHE_REVEAL && after;
      case SSHE_EVAL_ROWS -> sameEpoch && s >= 1 && s <= hosts
          && (s == 1 ? last == SSHE_STORE : last == SSHE_EVAL_ROWS && s == step + 1);
      case SSHE_EVAL_HISTOGRAM -> last == SSHE_EVAL_ROWS && step == hosts && after;
      case SSHE_EVAL_OPERANDS -> last == SSHE_EVAL_HISTOGRAM && after;
      case SSHE_EVAL_PRODUCT -> last == SSHE_EVAL_OPERANDS && after;
      case SSHE_EVAL_SHARE -> last == SSHE_EVAL_PRODUCT && after;
      case SSHE_EVAL_AUC -> last == SSHE_EVAL_SHARE && after;
      default -> false;
    };
  }
}
