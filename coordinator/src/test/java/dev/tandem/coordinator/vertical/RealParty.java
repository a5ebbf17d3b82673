package dev.tandem.coordinator.vertical;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.tandem.crypto.paillier.PaillierParameters;
import dev.tandem.crypto.seal.Opener;
import dev.tandem.crypto.seal.SealKeyPair;
import dev.tandem.crypto.seal.SealPublicKey;
import dev.tandem.crypto.seal.SealedMessage;
import dev.tandem.crypto.seal.Sealer;
import dev.tandem.model.FeatureSpec;
import dev.tandem.model.vertical.VerticalJobSpec;
import dev.tandem.proto.VerticalWire;
import dev.tandem.proto.v1.Envelope;
import dev.tandem.proto.v1.SignedSealKey;
import dev.tandem.proto.v1.Task;
import dev.tandem.proto.v1.VerticalMessage;
import dev.tandem.proto.v1.VerticalStage;
import dev.tandem.proto.v1.VerticalTask;
import dev.tandem.vertical.sshe.SsheConfig;
import dev.tandem.vertical.sshe.SsheMessage;
import dev.tandem.vertical.sshe.SsheParty;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A party that does its stages for real with the secret-shared protocol ({@link SsheParty}), sealing
 * each message it sends to its recipient; its rows are already aligned (the alignment stages
 * exchange sealed placeholders). It checks every envelope it receives: addressed to it, from a
 * party of the job, and opened with that party's seal key.
 */
final class RealParty implements FakeParty.Behaviour {
  static final String PURPOSE = "tandem-vertical-v1";

  /** Wrong answers a test sends before the right one; each must be refused. */
  interface Tamper {
    List<VerticalMessage> before(Task task, VerticalMessage correct);
  }

  private final double[][] features;
  private final boolean[] labels;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, SealPublicKey> peers = new HashMap<>();
  /** Every refusal of a tampered answer, as "CODE description". */
  final List<String> refusals = Collections.synchronizedList(new ArrayList<>());
  /** Every envelope received, as "stage from->to". */
  final List<String> inbox = Collections.synchronizedList(new ArrayList<>());
  private String forgedFrom = "";
  /** From which epoch on this party drops which aligned rows (as if consent for them ended). */
  private final java.util.TreeMap<Integer, List<Integer>> drops = new java.util.TreeMap<>();
  private Tamper tamper = (task, correct) -> List.of();
  private VerticalJobSpec spec;
  private String site;
  private SealKeyPair sealKeys;
  private SsheParty party;
  double auc = Double.NaN;
  /** The guest's loss of each epoch. */
  final List<Double> losses = Collections.synchronizedList(new ArrayList<>());

  /** @param labels the guest's labels; null for a host */
  RealParty(double[][] features, boolean[] labels) {
    this.features = features;
    this.labels = labels;
  }

  /** Writes {@code from} as the sender of every envelope this party sends. */
  RealParty forgingSender(String from) {
    this.forgedFrom = from;
    return this;
  }

  /** From epoch {@code epoch} on, this party reports {@code rows} dropped at VERTICAL_EPOCH_CONSENT. */
  RealParty dropping(int epoch, List<Integer> rows) {
    drops.put(epoch, rows);
    return this;
  }

  RealParty tampering(Tamper t) {
    this.tamper = t;
    return this;
  }

  /** This party's revealed weights (the guest's intercept last). */
  double[] weights() {
    return party.weights();
  }

  @Override
  public void handle(FakeParty p, Task task) throws Exception {
    VerticalTask t = task.getVertical();
    VerticalStage stage = t.getStage();
    if (spec == null) {
      spec = VerticalWire.fromProto(task.getVerticalJob());
      site = p.site;
    }
    List<Map.Entry<String, byte[]>> in = open(stage, t.getInboxList());
    if (party != null) {
      for (Map.Entry<String, byte[]> e : in) {
        SsheMessage m = SsheMessage.fromBytes(e.getValue());
        assertEquals(spec.sites().indexOf(e.getKey()), m.from(), "the message's sender is the envelope's");
        party.accept(m);
      }
    }
    VerticalMessage.Builder answer = VerticalMessage.newBuilder();
    int epoch = t.getEpoch() - 1;
    switch (stage) {
      case VERTICAL_SETUP -> {
        sealKeys = SealKeyPair.generate(random);
        answer.setSealKey(signedKey(p, task.getJobId())).setRecords(features.length);
      }
      case VERTICAL_ALIGN_BLIND -> {
        for (SignedSealKey k : t.getPeersList()) {
          peers.put(k.getSite(), new SealPublicKey(k.getPublicKey().toByteArray()));
        }
        assertEquals(spec.sites(), t.getPeersList().stream().map(SignedSealKey::getSite).toList());
        counterparts().forEach(to -> seal(answer, to, "blinded ids of " + site));
      }
      case VERTICAL_ALIGN_REBLIND -> in.forEach(e -> seal(answer, e.getKey(), "reblinded for " + e.getKey()));
      case VERTICAL_ALIGN_INTERSECT -> {
        if (isGuest()) {
          counterparts().forEach(to -> seal(answer, to, "the final ids"));
        }
        answer.setRecords(features.length);
      }
      case VERTICAL_ALIGN_CONFIRM -> {
        assertEquals("the final ids", new String(in.get(0).getValue(), StandardCharsets.UTF_8));
        answer.setRecords(features.length);
      }
      case SSHE_SETUP -> {
        int[] counts = spec.sites().stream()
            .mapToInt(s -> spec.party(s).features().stream().mapToInt(FeatureSpec::width).sum()).toArray();
        party = new SsheParty(spec.sites().indexOf(site), counts, config(spec),
            PaillierParameters.byName(spec.keySize()), features, labels, random);
        send(answer, party.features());
      }
      case VERTICAL_EPOCH_CONSENT -> {
        java.util.TreeSet<Integer> own = new java.util.TreeSet<>();
        drops.headMap(t.getEpoch(), true).values().forEach(own::addAll);
        answer.addAllDroppedRows(own);
      }
      case SSHE_OPEN -> send(answer, party.dropRows(epoch,
          t.getDroppedRowsList().stream().mapToInt(Integer::intValue).toArray()));
      case SSHE_FORWARD -> {
        if (t.getStep() > 0) {
          party.update();
        }
        send(answer, party.forward(epoch, t.getStep()));
      }
      case SSHE_GRADIENT -> send(answer, party.gradient());
      case SSHE_LOSS_OPERANDS -> {
        party.update();
        send(answer, party.lossOperands());
      }
      case SSHE_LOSS_PRODUCTS -> send(answer, party.lossProducts());
      case SSHE_LOSS_SHARES -> send(answer, party.lossShares());
      case SSHE_LOSS -> {
        if (isGuest()) {
          double loss = party.epochLoss();
          losses.add(loss);
          answer.setLoss(loss);
        }
      }
      case SSHE_REVEAL -> send(answer, party.reveal());
      case SSHE_STORE -> party.weights();
      case SSHE_EVAL_ROWS -> send(answer, party.evaluationRows(t.getStep()));
      case SSHE_EVAL_HISTOGRAM -> send(answer, party.evaluationHistogram());
      case SSHE_EVAL_OPERANDS -> send(answer, party.evaluationOperands());
      case SSHE_EVAL_PRODUCT -> send(answer, party.evaluationProduct());
      case SSHE_EVAL_SHARE -> send(answer, party.evaluationShare());
      case SSHE_EVAL_AUC -> {
        if (isGuest()) {
          auc = party.auc();
          answer.setAuc(auc);
        }
      }
      default -> throw new AssertionError("unexpected stage " + stage);
    }
    VerticalMessage correct = FakeParty.answerTo(task, answer);
    for (VerticalMessage wrong : tamper.before(task, correct)) {
      try {
        p.stub().submitVertical(wrong);
        refusals.add("ACCEPTED " + stage);
      } catch (StatusRuntimeException e) {
        refusals.add(e.getStatus().getCode() + " " + e.getStatus().getDescription());
      }
    }
    p.stub().submitVertical(correct);
  }

  static SsheConfig config(VerticalJobSpec spec) {
    return new SsheConfig(spec.training().batchSize(), spec.training().learningRate(), spec.training().l2(),
        spec.seed());
  }

  private void send(VerticalMessage.Builder answer, List<SsheMessage> messages) {
    for (SsheMessage m : messages) {
      seal(answer, spec.sites().get(m.to()), m.toBytes());
    }
  }

  private boolean isGuest() {
    return labels != null;
  }

  /** In alignment the guest's peers are the hosts; a host's only peer is the guest. */
  private List<String> counterparts() {
    return isGuest() ? spec.sites().subList(1, spec.sites().size()) : List.of(spec.guest().site());
  }

  private SignedSealKey signedKey(FakeParty p, String jobId) throws Exception {
    byte[] pub = sealKeys.publicKey().encoded();
    Signature s = Signature.getInstance("SHA256withECDSA");
    s.initSign(p.certificate.privateKey());
    s.update(("tandem-vertical-seal-v1\n" + jobId + "\n" + site + "\n").getBytes(StandardCharsets.UTF_8));
    s.update(pub);
    return SignedSealKey.newBuilder().setSite(site).setPublicKey(ByteString.copyFrom(pub))
        .setSignature(ByteString.copyFrom(s.sign()))
        .setCertificate(ByteString.copyFrom(p.certificate.certificate().getEncoded())).build();
  }

  private void seal(VerticalMessage.Builder answer, String to, String text) {
    seal(answer, to, text.getBytes(StandardCharsets.UTF_8));
  }

  private void seal(VerticalMessage.Builder answer, String to, byte[] payload) {
    try {
      SealedMessage m = new Sealer(site, sealKeys, random).seal(to, peers.get(to), spec.jobId(), PURPOSE, payload);
      answer.addOutbox(Envelope.newBuilder().setFromSite(forgedFrom).setToSite(to)
          .setSealed(ByteString.copyFrom(m.toBytes())));
    } catch (Exception e) {
      throw new AssertionError("cannot seal to " + to, e);
    }
  }

  /** Opens every envelope with its stated sender's key: a wrong sender or recipient fails here. */
  private List<Map.Entry<String, byte[]>> open(VerticalStage stage, List<Envelope> envelopes) throws Exception {
    List<Map.Entry<String, byte[]>> out = new ArrayList<>();
    for (Envelope e : envelopes) {
      inbox.add(stage + " " + e.getFromSite() + "->" + e.getToSite());
      assertEquals(site, e.getToSite(), "an envelope reached a site it is not addressed to");
      assertTrue(peers.containsKey(e.getFromSite()), "envelope from unknown sender '" + e.getFromSite() + "'");
      SealedMessage m = SealedMessage.fromBytes(e.getSealed().toByteArray());
      assertEquals(m.sender(), e.getFromSite(), "the relay must name the true sender");
      byte[] plain = new Opener(site, sealKeys).open(m, peers.get(e.getFromSite()), spec.jobId(), PURPOSE);
      out.add(Map.entry(e.getFromSite(), plain));
    }
    return out;
  }
}
