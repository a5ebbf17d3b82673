package dev.tandem.coordinator.vertical;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.tandem.crypto.paillier.PaillierCiphertext;
import dev.tandem.crypto.paillier.PaillierPublicKey;
import dev.tandem.crypto.seal.Opener;
import dev.tandem.crypto.seal.SealKeyPair;
import dev.tandem.crypto.seal.SealPublicKey;
import dev.tandem.crypto.seal.SealedMessage;
import dev.tandem.crypto.seal.Sealer;
import dev.tandem.model.metrics.BinaryMetrics;
import dev.tandem.model.vertical.VerticalJobSpec;
import dev.tandem.proto.VerticalWire;
import dev.tandem.proto.v1.Envelope;
import dev.tandem.proto.v1.SignedSealKey;
import dev.tandem.proto.v1.Task;
import dev.tandem.proto.v1.VerticalMessage;
import dev.tandem.proto.v1.VerticalStage;
import dev.tandem.proto.v1.VerticalTask;
import dev.tandem.vertical.BatchSchedule;
import dev.tandem.vertical.Ciphertexts;
import dev.tandem.vertical.Encryptor;
import dev.tandem.vertical.GuestParty;
import dev.tandem.vertical.HeteroLrConfig;
import dev.tandem.vertical.HostParty;
import dev.tandem.vertical.Party;
import io.grpc.StatusRuntimeException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A party that does its stages for real with the {@code vertical} module's guest and host roles,
 * sealing what it sends to its peers; its rows are already aligned (the alignment stages exchange
 * sealed placeholders). It checks every envelope it receives: addressed to it, from the peer the
 * stage expects, and opened with that peer's seal key.
 */
final class RealParty implements FakeParty.Behaviour {
  static final String PURPOSE = "tandem-vertical-v1";
  /**
   * The parties of a test share one instance of each arbiter key: it builds its encryption table
   * once (a node builds its own, which only costs time).
   */
  private static final Map<ByteString, PaillierPublicKey> KEYS = new java.util.concurrent.ConcurrentHashMap<>();

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
  private PaillierPublicKey key;
  private Encryptor encryptor;
  private Party party;
  private BatchSchedule schedule;
  private PaillierCiphertext[] residuals;
  double auc = Double.NaN;

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

  Party trained() {
    return party;
  }

  @Override
  public void handle(FakeParty p, Task task) throws Exception {
    VerticalTask t = task.getVertical();
    VerticalStage stage = t.getStage();
    if (spec == null) {
      spec = VerticalWire.fromProto(task.getVerticalJob());
      site = p.site;
    }
    Map<String, byte[]> in = open(stage, t.getInboxList());
    VerticalMessage.Builder answer = VerticalMessage.newBuilder();
    switch (stage) {
      case VERTICAL_SETUP -> {
        key = KEYS.computeIfAbsent(t.getArbiterKey(), k -> PaillierPublicKey.fromBytes(k.toByteArray()));
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
      case VERTICAL_ALIGN_REBLIND -> in.keySet().forEach(from -> seal(answer, from, "reblinded for " + from));
      case VERTICAL_ALIGN_INTERSECT -> {
        if (isGuest()) {
          counterparts().forEach(to -> seal(answer, to, "the final ids"));
        }
        answer.setRecords(features.length);
      }
      case VERTICAL_ALIGN_CONFIRM -> {
        assertEquals("the final ids", new String(in.get(spec.guest().site()), StandardCharsets.UTF_8));
        answer.setRecords(features.length);
      }
      case VERTICAL_FORWARD -> seal(answer, spec.guest().site(),
          Ciphertexts.toBytes(key, host().forward(rows(t))));
      case VERTICAL_RESIDUAL -> {
        List<PaillierCiphertext[]> scores = new ArrayList<>();
        for (String h : spec.sites().subList(1, spec.sites().size())) {
          scores.add(Ciphertexts.fromBytes(key, in.get(h), rows(t).length));
        }
        byte[] r = Ciphertexts.toBytes(key, guest().residuals(rows(t), scores));
        counterparts().forEach(to -> seal(answer, to, r));
      }
      case VERTICAL_GRADIENT -> {
        if (isGuest()) {
          toArbiter(answer, guest().gradient());
        } else {
          residuals = Ciphertexts.fromBytes(key, in.get(spec.guest().site()), rows(t).length);
          HostParty.GradientShare share = host().gradient(residuals);
          toArbiter(answer, share.toArbiter());
          seal(answer, spec.guest().site(), Ciphertexts.toBytes(key, new PaillierCiphertext[] {share.lossTerm()}));
        }
      }
      case VERTICAL_UPDATE -> {
        party.update(decrypted(t));
        if (isGuest()) {
          List<PaillierCiphertext> terms = new ArrayList<>();
          in.values().forEach(b -> terms.add(Ciphertexts.fromBytes(key, b, 1)[0]));
          guest().addLossTerms(terms);
          if (t.getBatch() == schedule.batches() - 1) {
            toArbiter(answer, guest().maskedLoss());
          }
        }
      }
      case VERTICAL_LOSS -> answer.setLoss(guest().epochLoss(decrypted(t)));
      case VERTICAL_EPOCH_CONSENT -> {
        java.util.TreeSet<Integer> own = new java.util.TreeSet<>();
        drops.headMap(t.getEpoch(), true).values().forEach(own::addAll);
        answer.addAllDroppedRows(own);
      }
      case VERTICAL_EVALUATE -> {
        if (isGuest()) {
          double[] sums = new double[features.length];
          for (byte[] b : in.values()) {
            ByteBuffer doubles = ByteBuffer.wrap(b);
            for (int i = 0; i < sums.length; i++) {
              sums[i] += doubles.getDouble();
            }
          }
          auc = BinaryMetrics.auc(guest().scores(features, sums), labels);
          answer.setAuc(auc);
        } else {
          ByteBuffer out = ByteBuffer.allocate(features.length * Double.BYTES);
          for (double v : host().partialScores(features)) {
            out.putDouble(v);
          }
          seal(answer, spec.guest().site(), out.array());
        }
      }
      default -> throw new AssertionError("unexpected stage " + stage);
    }
    boolean aligned = stage == (isGuest() ? VerticalStage.VERTICAL_ALIGN_INTERSECT
        : VerticalStage.VERTICAL_ALIGN_CONFIRM);
    if (aligned) {
      startTraining();
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

  private void startTraining() {
    HeteroLrConfig config = HeteroLrConfig.of(spec.training().batchSize(), spec.training().learningRate(),
        spec.training().l2(), spec.seed());
    schedule = new BatchSchedule(features.length, config.batchSize(), config.seed());
    encryptor = Encryptor.start(key, random, 0, 0);
    party = isGuest() ? new GuestParty(config, features, labels, encryptor, random)
        : new HostParty(config, features, encryptor, random);
  }

  private boolean isGuest() {
    return labels != null;
  }

  private GuestParty guest() {
    return (GuestParty) party;
  }

  private HostParty host() {
    return (HostParty) party;
  }

  /** The batch's rows without the dropped ones the task names. */
  private int[] rows(VerticalTask t) {
    java.util.Set<Integer> dropped = new java.util.HashSet<>(t.getDroppedRowsList());
    return java.util.Arrays.stream(schedule.rows(t.getEpoch() - 1, t.getBatch())).filter(r -> !dropped.contains(r))
        .toArray();
  }

  /** The guest's peers are the hosts; a host's only peer is the guest. */
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
  private Map<String, byte[]> open(VerticalStage stage, List<Envelope> envelopes) throws Exception {
    Map<String, byte[]> out = new HashMap<>();
    for (Envelope e : envelopes) {
      inbox.add(stage + " " + e.getFromSite() + "->" + e.getToSite());
      assertEquals(site, e.getToSite(), "an envelope reached a site it is not addressed to");
      assertTrue(peers.containsKey(e.getFromSite()), "envelope from unknown sender '" + e.getFromSite() + "'");
      SealedMessage m = SealedMessage.fromBytes(e.getSealed().toByteArray());
      assertEquals(m.sender(), e.getFromSite(), "the relay must name the true sender");
      byte[] plain = new Opener(site, sealKeys).open(m, peers.get(e.getFromSite()), spec.jobId(), PURPOSE);
      assertTrue(out.put(e.getFromSite(), plain) == null, "two envelopes from " + e.getFromSite() + " in " + stage);
    }
    return out;
  }

  private void toArbiter(VerticalMessage.Builder answer, PaillierCiphertext[] masked) {
    for (PaillierCiphertext c : masked) {
      answer.addToArbiter(ByteString.copyFrom(c.toBytes(key)));
    }
  }

  private static BigInteger[] decrypted(VerticalTask t) {
    return t.getFromArbiterList().stream().map(b -> new BigInteger(b.toByteArray())).toArray(BigInteger[]::new);
  }
}
