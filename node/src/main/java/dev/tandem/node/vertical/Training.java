package dev.tandem.node.vertical;

import com.google.protobuf.ByteString;
import dev.tandem.crypto.paillier.PaillierCiphertext;
import dev.tandem.model.metrics.BinaryMetrics;
import dev.tandem.proto.v1.Task;
import dev.tandem.proto.v1.VerticalMessage;
import dev.tandem.proto.v1.VerticalStage;
import dev.tandem.proto.v1.VerticalTask;
import dev.tandem.vertical.Ciphertexts;
import dev.tandem.vertical.GuestParty;
import dev.tandem.vertical.HostParty;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Stages 6 to 11 of a vertical job at one party: the encrypted-gradient logistic regression of the
 * {@code vertical} module, one batch at a time, with the messages between parties sealed and what
 * goes to the arbiter masked; then the evaluation over the aligned rows and this party's model piece.
 */
final class Training {
  private Training() {}

  /** VERTICAL_FORWARD (hosts): the batch's encrypted partial scores, to the guest. */
  static VerticalMessage.Builder forward(VerticalSession s, Task task) throws Refusal {
    VerticalTask t = task.getVertical();
    noInbox(s, t, VerticalStage.VERTICAL_FORWARD);
    HostParty host = s.hostParty();
    PaillierCiphertext[] scores = host.forward(rows(s, t));
    return VerticalMessage.newBuilder().addOutbox(s.seal(s.spec.guest().site(), VerticalStage.VERTICAL_FORWARD,
        t.getEpoch(), t.getBatch(), Ciphertexts.toBytes(s.key, scores)));
  }

  /** VERTICAL_RESIDUAL (guest): the encrypted residuals of the batch, the same to every host. */
  static VerticalMessage.Builder residual(VerticalSession s, Task task) throws Refusal {
    VerticalTask t = task.getVertical();
    int[] rows = rows(s, t);
    Map<String, byte[]> in = s.open(t.getInboxList(), s.peers(), VerticalStage.VERTICAL_RESIDUAL,
        VerticalStage.VERTICAL_FORWARD, t.getEpoch(), t.getBatch());
    List<PaillierCiphertext[]> scores = new ArrayList<>();
    for (Map.Entry<String, byte[]> e : in.entrySet()) {
      scores.add(ciphertexts(s, e.getValue(), rows.length, "partial scores of site '" + e.getKey() + "'"));
    }
    byte[] residuals = Ciphertexts.toBytes(s.key, s.guestParty().residuals(rows, scores));
    VerticalMessage.Builder answer = VerticalMessage.newBuilder();
    for (String host : s.peers()) {
      answer.addOutbox(s.seal(host, VerticalStage.VERTICAL_RESIDUAL, t.getEpoch(), t.getBatch(), residuals));
    }
    return answer;
  }

  /**
   * VERTICAL_GRADIENT: the masked gradient for the arbiter; a host also seals its loss term to the
   * guest.
   */
  static VerticalMessage.Builder gradient(VerticalSession s, Task task) throws Refusal {
    VerticalTask t = task.getVertical();
    if (s.guest) {
      noInbox(s, t, VerticalStage.VERTICAL_GRADIENT);
      return toArbiter(s, s.guestParty().gradient());
    }
    String guest = s.spec.guest().site();
    byte[] payload = s.open(t.getInboxList(), List.of(guest), VerticalStage.VERTICAL_GRADIENT,
        VerticalStage.VERTICAL_RESIDUAL, t.getEpoch(), t.getBatch()).get(guest);
    int batch = rows(s, t).length;
    HostParty.GradientShare share = s.hostParty().gradient(ciphertexts(s, payload, batch, "residuals"));
    return toArbiter(s, share.toArbiter()).addOutbox(s.seal(guest, VerticalStage.VERTICAL_GRADIENT, t.getEpoch(),
        t.getBatch(), Ciphertexts.toBytes(s.key, new PaillierCiphertext[] {share.lossTerm()})));
  }

  /**
   * VERTICAL_UPDATE: a step with the arbiter's decryptions; the guest adds the hosts' loss terms and,
   * after the epoch's last batch, masks the epoch's loss for the arbiter.
   */
  static VerticalMessage.Builder update(VerticalSession s, Task task) throws Refusal {
    VerticalTask t = task.getVertical();
    BigInteger[] decrypted = decryptions(t);
    if (!s.guest) {
      noInbox(s, t, VerticalStage.VERTICAL_UPDATE);
      step(s, decrypted);
      return VerticalMessage.newBuilder();
    }
    Map<String, byte[]> in = s.open(t.getInboxList(), s.peers(), VerticalStage.VERTICAL_UPDATE,
        VerticalStage.VERTICAL_GRADIENT, t.getEpoch(), t.getBatch());
    List<PaillierCiphertext> terms = new ArrayList<>();
    for (Map.Entry<String, byte[]> e : in.entrySet()) {
      terms.add(ciphertexts(s, e.getValue(), 1, "loss term of site '" + e.getKey() + "'")[0]);
    }
    step(s, decrypted);
    GuestParty g = s.guestParty();
    g.addLossTerms(terms);
    if (t.getBatch() == s.order.batches() - 1) {
      return toArbiter(s, g.maskedLoss());
    }
    return VerticalMessage.newBuilder();
  }

  /** VERTICAL_LOSS (guest): the epoch's loss from the arbiter's decryption of the masked loss. */
  static VerticalMessage.Builder loss(VerticalSession s, Task task) throws Refusal {
    VerticalTask t = task.getVertical();
    noInbox(s, t, VerticalStage.VERTICAL_LOSS);
    BigInteger[] decrypted = decryptions(t);
    try {
      return VerticalMessage.newBuilder().setLoss(s.guestParty().epochLoss(decrypted));
    } catch (IllegalArgumentException e) {
      throw Refusal.malformed("the arbiter's decryption of the loss is refused: " + e.getMessage());
    }
  }

  /** What VERTICAL_EVALUATE produces at one party: its answer and its model piece. */
  record Evaluated(VerticalMessage.Builder answer, VerticalModelPiece piece) {}

  /**
   * VERTICAL_EVALUATE: a host seals the partial scores of the aligned rows of the last epoch (aligned
   * order without the dropped rows, big-endian doubles) to the guest; the guest adds them to its own
   * and reports the AUC over those rows.
   */
  static Evaluated evaluate(VerticalSession s, Task task) throws Refusal {
    VerticalTask t = task.getVertical();
    String version = s.jobId() + "/v" + s.order.epoch();
    if (!t.getModelVersion().equals(version)) {
      throw Refusal.malformed("the model version of job " + s.jobId() + " after epoch " + s.order.epoch()
          + " is " + version + ", not '" + t.getModelVersion() + "'");
    }
    int[] kept = s.keptRows();
    double[][] all = s.encoding.x();
    double[][] x = new double[kept.length][];
    for (int i = 0; i < kept.length; i++) {
      x[i] = all[kept[i]];
    }
    VerticalMessage.Builder answer = VerticalMessage.newBuilder();
    if (!s.guest) {
      noInbox(s, t, VerticalStage.VERTICAL_EVALUATE);
      double[] partial = s.hostParty().partialScores(x);
      ByteBuffer bytes = ByteBuffer.allocate(partial.length * Double.BYTES);
      for (double v : partial) {
        bytes.putDouble(v);
      }
      answer.addOutbox(s.seal(s.spec.guest().site(), VerticalStage.VERTICAL_EVALUATE, s.order.epoch(), 0,
          bytes.array()));
      double[] weights = s.hostParty().weights();
      return new Evaluated(answer, piece(s, version, weights, 0));
    }
    Map<String, byte[]> in = s.open(t.getInboxList(), s.peers(), VerticalStage.VERTICAL_EVALUATE,
        VerticalStage.VERTICAL_EVALUATE, s.order.epoch(), 0);
    double[] hostSums = new double[x.length];
    for (Map.Entry<String, byte[]> e : in.entrySet()) {
      if (e.getValue().length != x.length * Double.BYTES) {
        throw Refusal.malformed("site '" + e.getKey() + "' sent " + e.getValue().length + " bytes of partial scores;"
            + " " + x.length + " rows take " + x.length * Double.BYTES);
      }
      ByteBuffer in8 = ByteBuffer.wrap(e.getValue());
      for (int i = 0; i < x.length; i++) {
        double v = in8.getDouble();
        if (!Double.isFinite(v)) {
          throw Refusal.malformed("site '" + e.getKey() + "' sent a partial score that is not finite");
        }
        hostSums[i] += v;
      }
    }
    GuestParty g = s.guestParty();
    boolean[] labels = new boolean[kept.length];
    for (int i = 0; i < kept.length; i++) {
      labels[i] = s.encoding.labels()[kept[i]];
    }
    double auc = BinaryMetrics.auc(g.scores(x, hostSums), labels);
    answer.setAuc(Double.isNaN(auc) ? 0 : auc);
    double[] weights = g.weights();
    return new Evaluated(answer, piece(s, version, Arrays.copyOf(weights, weights.length - 1), g.intercept()));
  }

  private static VerticalModelPiece piece(VerticalSession s, String version, double[] weights, double intercept) {
    return new VerticalModelPiece(version, s.jobId(), s.spec.purpose(), s.site, s.guest, s.spec.sites(),
        s.party.features(), s.encoding.normalization(), weights, intercept, s.guest ? s.spec.label() : null);
  }

  /** The batch's rows that no party dropped. */
  private static int[] rows(VerticalSession s, VerticalTask t) {
    return s.batchRows(t.getEpoch(), t.getBatch());
  }

  private static void step(VerticalSession s, BigInteger[] decrypted) throws Refusal {
    try {
      s.trainer.update(decrypted);
    } catch (IllegalArgumentException e) {
      throw Refusal.malformed("the arbiter's decryptions are refused: " + e.getMessage());
    }
  }

  private static VerticalMessage.Builder toArbiter(VerticalSession s, PaillierCiphertext[] masked) {
    VerticalMessage.Builder b = VerticalMessage.newBuilder();
    for (PaillierCiphertext c : masked) {
      b.addToArbiter(ByteString.copyFrom(c.toBytes(s.key)));
    }
    return b;
  }

  private static BigInteger[] decryptions(VerticalTask t) throws Refusal {
    BigInteger[] out = new BigInteger[t.getFromArbiterCount()];
    for (int i = 0; i < out.length; i++) {
      byte[] b = t.getFromArbiter(i).toByteArray();
      if (b.length == 0) {
        throw Refusal.malformed("decryption " + i + " from the arbiter is empty");
      }
      out[i] = new BigInteger(b);
    }
    return out;
  }

  private static PaillierCiphertext[] ciphertexts(VerticalSession s, byte[] bytes, int expected, String what)
      throws Refusal {
    try {
      return Ciphertexts.fromBytes(s.key, bytes, expected);
    } catch (IllegalArgumentException e) {
      throw Refusal.malformed(what + " refused: " + e.getMessage());
    }
  }

  private static void noInbox(VerticalSession s, VerticalTask t, VerticalStage stage) throws Refusal {
    s.open(t.getInboxList(), List.of(), stage, stage, t.getEpoch(), t.getBatch());
  }
}
