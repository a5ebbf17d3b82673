package dev.tandem.node.vertical;

import dev.tandem.crypto.paillier.PaillierParameters;
import dev.tandem.model.vertical.VerticalJobSpec;
import dev.tandem.proto.v1.Task;
import dev.tandem.proto.v1.VerticalMessage;
import dev.tandem.proto.v1.VerticalStage;
import dev.tandem.proto.v1.VerticalTask;
import dev.tandem.vertical.sshe.SsheConfig;
import dev.tandem.vertical.sshe.SsheMessage;
import dev.tandem.vertical.sshe.SsheParty;
import dev.tandem.vertical.sshe.SsheProtocolException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * The secret-shared training of a vertical job at one party ({@link SsheParty}, docs/VERTICAL_PROTOCOL.md):
 * each SSHE stage first takes the messages of the previous stage from the task's inbox, then calls
 * the stage's method and seals each resulting {@link SsheMessage} to its recipient, one envelope per
 * message. The guest is party 0 and the hosts 1 to k in the spec's order; each party's feature count
 * is its encoded columns ({@link BatchFloor#columns}). The coordinator only relays the envelopes.
 *
 * <p>A message the protocol refuses ({@link SsheProtocolException}) is declined with INVALID_ARGUMENT
 * naming the reason; a call out of sequence ({@link IllegalStateException} from the party) with
 * FAILED_PRECONDITION.
 */
final class SsheTraining {
  private SsheTraining() {}

  /** The protocol settings of {@code job}. */
  static SsheConfig config(VerticalJobSpec job) {
    return new SsheConfig(job.training().batchSize(), job.training().learningRate(), job.training().l2(), job.seed());
  }

  /** Every party's feature count (encoded columns, the guest's intercept not counted), guest first. */
  static int[] featureCounts(VerticalJobSpec job) {
    return job.sites().stream().map(job::party).mapToInt(BatchFloor::columns).toArray();
  }

  /**
   * Takes every message of the task's inbox, sealed at this party's previous stage {@code previous}:
   * each must come from the index of the site that sealed it and be addressed to this party.
   */
  static void accept(VerticalSession s, VerticalTask t, StageOrder.Position previous) throws Refusal {
    for (VerticalSession.Opened o : s.openAll(t.getInboxList(), t.getStage(), previous.stage(), previous.epoch(),
        previous.step())) {
      SsheMessage m;
      try {
        m = SsheMessage.fromBytes(o.payload());
      } catch (IllegalArgumentException e) {
        throw Refusal.malformed("site '" + s.site + "' refuses the message from site '" + o.from() + "' at "
            + t.getStage() + ": " + e.getMessage());
      }
      int from = s.indexOf(o.from());
      if (m.from() != from || m.to() != s.index) {
        throw Refusal.malformed("site '" + s.site + "' (party " + s.index + ") refuses a message sealed by site '"
            + o.from() + "' (party " + from + ") that says it is from party " + m.from() + " to party " + m.to());
      }
      run(s, t.getStage(), () -> {
        s.sshe.accept(m);
        return null;
      });
    }
  }

  /** SSHE_SETUP: builds this party's {@link SsheParty} over its aligned rows; its key and encrypted features. */
  static VerticalMessage.Builder setup(VerticalSession s, VerticalTask t, SecureRandom random) throws Refusal {
    s.open(t.getInboxList(), List.of(), t.getStage(), t.getStage(), t.getEpoch(), t.getStep());
    VerticalJobSpec job = s.spec;
    try {
      s.sshe = new SsheParty(s.index, featureCounts(job), config(job), PaillierParameters.byName(job.keySize()),
          s.encoding.x(), s.guest ? s.encoding.labels() : null, random);
    } catch (IllegalArgumentException e) {
      throw Refusal.precondition("site '" + s.site + "' cannot train job " + job.jobId() + ": " + e.getMessage());
    }
    if (s.sshe.batches().count() != s.batches.count()) {
      throw new IllegalStateException("the protocol's batches differ from the session's");
    }
    return send(s, t, run(s, t.getStage(), s.sshe::features));
  }

  /** SSHE_OPEN: the epoch starts without the rows every party dropped (the relayed union). */
  static VerticalMessage.Builder open(VerticalSession s, VerticalTask t) throws Refusal {
    int[] rows = s.dropped.stream().toArray();
    return send(s, t, run(s, t.getStage(), () -> s.sshe.dropRows(t.getEpoch() - 1, rows)));
  }

  /** SSHE_FORWARD: updates with the previous step's gradient (from the second step on), then forward. */
  static VerticalMessage.Builder forward(VerticalSession s, VerticalTask t) throws Refusal {
    return send(s, t, run(s, t.getStage(), () -> {
      if (t.getStep() > 0) {
        s.sshe.update();
      }
      return s.sshe.forward(t.getEpoch() - 1, t.getStep());
    }));
  }

  /** SSHE_GRADIENT. */
  static VerticalMessage.Builder gradient(VerticalSession s, VerticalTask t) throws Refusal {
    return send(s, t, run(s, t.getStage(), s.sshe::gradient));
  }

  /** SSHE_LOSS_OPERANDS: updates with the epoch's last gradient, then the loss operands. */
  static VerticalMessage.Builder lossOperands(VerticalSession s, VerticalTask t) throws Refusal {
    return send(s, t, run(s, t.getStage(), () -> {
      s.sshe.update();
      return s.sshe.lossOperands();
    }));
  }

  static VerticalMessage.Builder lossProducts(VerticalSession s, VerticalTask t) throws Refusal {
    return send(s, t, run(s, t.getStage(), s.sshe::lossProducts));
  }

  static VerticalMessage.Builder lossShares(VerticalSession s, VerticalTask t) throws Refusal {
    return send(s, t, run(s, t.getStage(), s.sshe::lossShares));
  }

  /** SSHE_LOSS: the guest answers the epoch's loss; a host answers nothing. */
  static VerticalMessage.Builder loss(VerticalSession s, VerticalTask t) throws Refusal {
    VerticalMessage.Builder answer = VerticalMessage.newBuilder();
    if (s.guest) {
      answer.setLoss(run(s, t.getStage(), s.sshe::epochLoss));
    }
    return answer;
  }

  static VerticalMessage.Builder reveal(VerticalSession s, VerticalTask t) throws Refusal {
    return send(s, t, run(s, t.getStage(), s.sshe::reveal));
  }

  /** What SSHE_STORE produces at one party: its answer and its model piece. */
  record Stored(VerticalMessage.Builder answer, VerticalModelPiece piece) {}

  /** SSHE_STORE: this party's revealed weights as its model piece (the guest's intercept is the last weight). */
  static Stored store(VerticalSession s, VerticalTask t) throws Refusal {
    String version = s.jobId() + "/v" + t.getEpoch();
    if (!t.getModelVersion().equals(version)) {
      throw Refusal.malformed("the model version of job " + s.jobId() + " after epoch " + t.getEpoch() + " is "
          + version + ", not '" + t.getModelVersion() + "'");
    }
    double[] w = run(s, t.getStage(), s.sshe::weights);
    double[] weights = s.guest ? Arrays.copyOf(w, w.length - 1) : w;
    double intercept = s.guest ? w[w.length - 1] : 0;
    VerticalModelPiece piece = new VerticalModelPiece(version, s.jobId(), s.spec.purpose(), s.site, s.guest,
        s.spec.sites(), s.party.features(), s.encoding.normalization(), weights, intercept,
        s.guest ? s.spec.label() : null);
    return new Stored(VerticalMessage.newBuilder(), piece);
  }

  /**
   * The evaluation stages: SSHE_EVAL_ROWS (round = the task's step), SSHE_EVAL_HISTOGRAM,
   * SSHE_EVAL_OPERANDS, SSHE_EVAL_PRODUCT and SSHE_EVAL_SHARE; every party calls every stage's method,
   * those that do not act there send nothing.
   */
  static VerticalMessage.Builder evaluation(VerticalSession s, VerticalTask t) throws Refusal {
    return send(s, t, run(s, t.getStage(), () -> switch (t.getStage()) {
      case SSHE_EVAL_ROWS -> s.sshe.evaluationRows(t.getStep());
      case SSHE_EVAL_HISTOGRAM -> s.sshe.evaluationHistogram();
      case SSHE_EVAL_OPERANDS -> s.sshe.evaluationOperands();
      case SSHE_EVAL_PRODUCT -> s.sshe.evaluationProduct();
      case SSHE_EVAL_SHARE -> s.sshe.evaluationShare();
      default -> throw new IllegalArgumentException(t.getStage() + " is not an evaluation stage");
    }));
  }

  /**
   * SSHE_EVAL_AUC: the guest answers the training AUC of the binned scores of the rows the last epoch
   * used; a host answers nothing.
   */
  static VerticalMessage.Builder auc(VerticalSession s, VerticalTask t) throws Refusal {
    VerticalMessage.Builder answer = VerticalMessage.newBuilder();
    if (s.guest) {
      double auc = run(s, t.getStage(), s.sshe::auc);
      answer.setAuc(Double.isNaN(auc) ? 0 : auc);
    }
    return answer;
  }

  /** Seals each message to its recipient's site, one envelope per message. */
  private static VerticalMessage.Builder send(VerticalSession s, VerticalTask t, List<SsheMessage> messages)
      throws Refusal {
    VerticalMessage.Builder answer = VerticalMessage.newBuilder();
    List<String> sites = s.spec.sites();
    for (SsheMessage m : messages) {
      answer.addOutbox(s.seal(sites.get(m.to()), t.getStage(), t.getEpoch(), t.getStep(), m.toBytes()));
    }
    return answer;
  }

  /** Runs a call into the protocol, mapping its refusals to this node's. */
  private static <T> T run(VerticalSession s, VerticalStage stage, Supplier<T> call) throws Refusal {
    try {
      return call.get();
    } catch (SsheProtocolException e) {
      throw Refusal.malformed("site '" + s.site + "' refuses a message of job " + s.jobId() + " at " + stage + ": "
          + e.getMessage());
    } catch (IllegalStateException e) {
      throw Refusal.precondition("site '" + s.site + "' cannot do " + stage + " of job " + s.jobId() + " now: "
          + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw Refusal.malformed("site '" + s.site + "' refuses " + stage + " of job " + s.jobId() + ": "
          + e.getMessage());
    }
  }
}
