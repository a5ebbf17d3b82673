package dev.tandem.node.vertical;

import dev.tandem.certs.CrlSource;
import dev.tandem.certs.FederationTrust;
import dev.tandem.certs.IssuedCertificate;
import dev.tandem.certs.Role;
import dev.tandem.certs.testing.TestPki;
import dev.tandem.crypto.secagg.EcdsaKeyAdvertisementSigner;
import dev.tandem.model.FeatureSpec;
import dev.tandem.model.LabelSpec;
import dev.tandem.model.vertical.VerticalJobSpec;
import dev.tandem.model.vertical.VerticalParty;
import dev.tandem.model.vertical.VerticalTraining;
import dev.tandem.node.data.DataSourceConfig;
import dev.tandem.node.data.LocalData;
import dev.tandem.proto.VerticalWire;
import dev.tandem.proto.v1.Envelope;
import dev.tandem.proto.v1.SignedSealKey;
import dev.tandem.proto.v1.Task;
import dev.tandem.proto.v1.VerticalMessage;
import dev.tandem.proto.v1.VerticalStage;
import dev.tandem.proto.v1.VerticalTask;
import dev.tandem.vertical.sshe.FixedBatches;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * A vertical job between a guest ("bank") and two hosts ("telco", "shop") over synthetic data, with
 * an in-memory coordinator that relays the envelopes (holding no key) and drives the stages in the
 * protocol's order. Every answer and every payload sealed by a party is kept for inspection.
 *
 * <p>Subjects {@code S0001X} to {@code S0100X}: the bank holds 1-90 (12 and 13 not consented, 20
 * without a label), the telco 11-100, the shop 1-70 and 95-99, so the intersection is 11-70 without
 * 12, 13 and 20: 57 subjects.
 */
final class Federation implements AutoCloseable {
  static final String JOB = "job-v1";
  static final String PURPOSE = "credit";
  static final String GUEST = "bank";
  static final List<String> HOSTS = List.of("telco", "shop");
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A declined task, as the coordinator would see it. */
  static final class Declined extends RuntimeException {
    final String site;
    final String code;

    Declined(String site, String code, String reason) {
      super(site + ": " + code + " " + reason);
      this.site = site;
      this.code = code;
    }
  }

  /** What one site's transport saw. */
  static final class Captured implements VerticalTransport {
    final List<VerticalMessage> answers = new ArrayList<>();
    VerticalMessage last;
    Declined declined;
    final String site;
    /** A stage whose answers the coordinator reads but refuses; none unless a test sets it. */
    VerticalStage refuse;

    /** Shared with the site's consent: what was audited and sent, in order ("sent STAGE epoch step"). */
    final List<String> journal;

    Captured(String site, List<String> journal) {
      this.site = site;
      this.journal = journal;
    }

    @Override
    public boolean submit(Task task, VerticalMessage answer) {
      journal.add("sent " + answer.getStage() + " " + task.getVertical().getEpoch() + " " + task.getVertical().getStep());
      answers.add(answer);
      last = answer;
      return answer.getStage() != refuse;
    }

    @Override
    public void decline(Task task, String code, String reason) {
      declined = new Declined(site, code, reason);
    }
  }

  /** One party: its data, consent, model store, transport and participant. */
  record Site(String name, LocalData data, TestConsent consent, VerticalModels models, Captured transport,
      VerticalParticipant participant) {}

  final TestPki pki = TestPki.create();
  final Map<String, IssuedCertificate> certificates = new HashMap<>();
  final Map<String, Site> sites = new LinkedHashMap<>();
  /** The envelopes each site gets with its next task. */
  final Map<String, List<Envelope>> inboxes = new HashMap<>();
  /** The envelopes of the stage in progress, delivered when every party has answered it ({@link #flush}). */
  private final Map<String, List<Envelope>> outgoing = new HashMap<>();
  final Map<String, SignedSealKey> sealKeys = new LinkedHashMap<>();
  /** Every plaintext a party sealed. */
  final List<byte[]> sealedPlaintexts = new ArrayList<>();
  /** Every plaintext a party sealed, by "sender roundId". */
  final Map<String, byte[]> sealedByRound = new HashMap<>();
  /** The records each party declared at setup, relayed at VERTICAL_ALIGN_BLIND (a test may change them). */
  final Map<String, Long> declared = new LinkedHashMap<>();
  /** Per epoch, the union of dropped rows relayed with its SSHE_OPEN. */
  final Map<Integer, List<Integer>> droppedByEpoch = new LinkedHashMap<>();
  final List<Double> losses = new ArrayList<>();
  final VerticalJobSpec spec;
  private final dev.tandem.proto.v1.VerticalJobSpec wire;
  private int tasks;

  Federation(Path dir, int minCohort, int epochs) {
    this(dir, minCohort, epochs, PURPOSE);
  }

  Federation(Path dir, int minCohort, int epochs, String purpose) {
    this(dir, minCohort, epochs, purpose, 32, "BITS_1024_TESTING_ONLY", POLICY);
  }

  /** The policy of every site unless a test says otherwise: the defaults, with testing keys allowed. */
  static final VerticalPolicy POLICY = VerticalPolicy.defaults().allowingTestingKeys();

  /**
   * @param batchSize the job's batch size (the widest party, the guest, has 4 encoded columns and
   *     the intercept: a floor of 6 unless the site minimum is higher)
   * @param policy every site's vertical policy
   */
  Federation(Path dir, int minCohort, int epochs, String purpose, int batchSize, String keySize,
      VerticalPolicy policy) {
    this(dir, minCohort, policy, spec(purpose, epochs, batchSize, keySize, List.of("basic", "plus")));
  }

  /** The federation's job with the telco's {@code plan} declared with {@code planCategories}. */
  static VerticalJobSpec spec(String purpose, int epochs, int batchSize, String keySize,
      List<String> planCategories) {
    return new VerticalJobSpec(JOB, purpose,
        new VerticalParty(GUEST, List.of(FeatureSpec.numeric("age"), FeatureSpec.categorical("segment",
            List.of("a", "b", "c")))),
        List.of(new VerticalParty("telco", List.of(FeatureSpec.numeric("calls"),
                FeatureSpec.categorical("plan", planCategories))),
            new VerticalParty("shop", List.of(FeatureSpec.numeric("spend")))),
        LabelSpec.positiveIf("default", "yes"), new VerticalTraining(epochs, batchSize, 0.5, 0.001, 0),
        keySize, 7);
  }

  /** The federation's parties and data, running {@code spec}. */
  Federation(Path dir, int minCohort, VerticalPolicy policy, VerticalJobSpec spec) {
    this.spec = spec;
    wire = VerticalWire.toProto(spec);
    Map<String, Path> files = writeData(dir);
    add(GUEST, files.get(GUEST), id -> !id.equals(id(12)) && !id.equals(id(13)), minCohort, policy);
    for (String host : HOSTS) {
      add(host, files.get(host), id -> true, minCohort, policy);
    }
  }

  static String id(int i) {
    return String.format("S%04dX", i);
  }

  /** The subjects every party holds with consent (and the guest with a label), sorted. */
  static List<String> intersection() {
    List<String> out = new ArrayList<>();
    for (int i = 11; i <= 70; i++) {
      if (i != 12 && i != 13 && i != 20) {
        out.add(id(i));
      }
    }
    return out;
  }

  /** Every subject id of any party that is not in {@link #intersection()}. */
  static Set<String> outsiders() {
    Set<String> out = new TreeSet<>();
    for (int i = 1; i <= 100; i++) {
      out.add(id(i));
    }
    intersection().forEach(out::remove);
    return out;
  }

  private void add(String name, Path csv, Predicate<String> consented, int minCohort, VerticalPolicy policy) {
    IssuedCertificate cert = pki.node(name);
    certificates.put(name, cert);
    LocalData data = LocalData.load(DataSourceConfig.of(csv, "id"));
    List<String> journal = new ArrayList<>();
    TestConsent consent = new TestConsent(name, Set.of(PURPOSE), consented, minCohort, journal);
    VerticalModels models = VerticalModels.open("jdbc:h2:mem:" + name + "-" + UUID.randomUUID(),
        Clock.systemUTC());
    Captured transport = new Captured(name, journal);
    VerticalParticipant participant = new VerticalParticipant(name, data, consent, policy, sealKeys(name, cert),
        models, transport, Clock.systemUTC(), RANDOM, (from, to, roundId, plaintext) -> {
          sealedPlaintexts.add(plaintext);
          sealedByRound.put(from + " " + roundId, plaintext);
        });
    sites.put(name, new Site(name, data, consent, models, transport, participant));
  }

  SealKeys sealKeys(String name, IssuedCertificate cert) {
    return new SealKeys(name, new EcdsaKeyAdvertisementSigner(cert.privateKey()), cert.certificate(),
        FederationTrust.trustManager(pki.ca().certificate(), CrlSource.fixed(pki.ca().crl()), Role.NODE),
        pki.ca().certificate());
  }

  /** Writes the three parties' CSVs. */
  private static Map<String, Path> writeData(Path dir) {
    Random r = new Random(11);
    StringBuilder bank = new StringBuilder("id,age,segment,default\n");
    StringBuilder telco = new StringBuilder("id,calls,plan\n");
    StringBuilder shop = new StringBuilder("id,spend\n");
    String[] segments = {"a", "b", "c"};
    for (int i = 1; i <= 100; i++) {
      double age = 40 + 10 * r.nextGaussian();
      String segment = segments[r.nextInt(3)];
      double calls = 100 + 30 * r.nextGaussian();
      String plan = r.nextBoolean() ? "basic" : "plus";
      double spend = 500 + 200 * r.nextGaussian();
      double z = (age - 40) / 10 + (calls - 100) / 30 - (spend - 500) / 200 + (segment.equals("a") ? 1 : 0)
          - 0.3 + 0.3 * r.nextGaussian();
      if (i <= 90) {
        bank.append(id(i)).append(',').append(String.format("%.1f", age)).append(',').append(segment).append(',')
            .append(i == 20 ? "" : z > 0 ? "yes" : "no").append('\n');
      }
      if (i >= 11) {
        telco.append(id(i)).append(',').append(String.format("%.0f", calls)).append(',').append(plan).append('\n');
      }
      if (i <= 70 || (i >= 95 && i <= 99)) {
        shop.append(id(i)).append(',').append(String.format("%.2f", spend)).append('\n');
      }
    }
    try {
      Files.writeString(dir.resolve("bank.csv"), bank);
      Files.writeString(dir.resolve("telco.csv"), telco);
      Files.writeString(dir.resolve("shop.csv"), shop);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Map.of(GUEST, dir.resolve("bank.csv"), "telco", dir.resolve("telco.csv"), "shop", dir.resolve("shop.csv"));
  }

  VerticalParticipant participant(String site) {
    return sites.get(site).participant();
  }

  /** Sends {@code site} a task of {@code stage} with its pending inbox and relays the answer's outbox. */
  VerticalMessage ask(String site, int round, VerticalTask.Builder task) {
    task.addAllInbox(inboxes.getOrDefault(site, List.of()));
    inboxes.remove(site);
    return deliver(site, Task.newBuilder().setTaskId(JOB + "/" + (++tasks)).setJobId(JOB).setRound(round)
        .setVerticalJob(wire).setVertical(task).build());
  }

  /** Hands {@code task} to {@code site} and relays the answer's outbox, as the coordinator does. */
  VerticalMessage deliver(String site, Task task) {
    Captured t = sites.get(site).transport();
    t.declined = null;
    t.last = null;
    participant(site).handle(task);
    if (t.declined != null) {
      throw t.declined;
    }
    VerticalMessage answer = t.last;
    if (answer == null || !answer.getTaskId().equals(task.getTaskId())
        || answer.getStage() != task.getVertical().getStage()) {
      throw new AssertionError(site + " did not answer task " + task.getTaskId());
    }
    for (Envelope e : answer.getOutboxList()) {
      if (!spec.sites().contains(e.getToSite()) || e.getToSite().equals(site)) {
        throw new AssertionError(site + " addressed an envelope to '" + e.getToSite() + "'");
      }
      outgoing.computeIfAbsent(e.getToSite(), k -> new ArrayList<>()).add(e.toBuilder().setFromSite(site).build());
    }
    return answer;
  }

  /** Ends a stage: its envelopes go into the inboxes of their recipients' next tasks. */
  void flush() {
    outgoing.forEach((site, envelopes) -> inboxes.computeIfAbsent(site, k -> new ArrayList<>()).addAll(envelopes));
    outgoing.clear();
  }

  static VerticalTask.Builder stage(VerticalStage stage) {
    return VerticalTask.newBuilder().setStage(stage);
  }

  List<String> hosts() {
    return HOSTS;
  }

  /** Stage 1 at every party; returns the records each reported. */
  Map<String, Long> setup() {
    Map<String, Long> records = new LinkedHashMap<>();
    for (String s : sites.keySet()) {
      VerticalMessage m = ask(s, 0, stage(VerticalStage.VERTICAL_SETUP));
      sealKeys.put(s, m.getSealKey());
      records.put(s, m.getRecords());
      declared.put(s, m.getRecords());
    }
    flush();
    return records;
  }

  /** Stage 2 with every party's own seal key relayed as it is; the envelopes wait in the inboxes. */
  void blind() {
    blind(UnaryOperator.identity());
  }

  /** Stage 2, with the peers' keys passed through {@code relayKeys}; the envelopes wait in the inboxes. */
  void blind(UnaryOperator<List<SignedSealKey>> relayKeys) {
    List<SignedSealKey> peers = relayKeys.apply(List.copyOf(sealKeys.values()));
    for (String s : sites.keySet()) {
      ask(s, 0, stage(VerticalStage.VERTICAL_ALIGN_BLIND).addAllPeers(peers).putAllDeclaredRecords(declared));
    }
    flush();
  }

  /** Asks every party for {@code stage} of epoch 0, without flushing. */
  void everyParty(VerticalStage stage) {
    for (String s : sites.keySet()) {
      ask(s, 0, stage(stage));
    }
  }

  /** Stages 2 to 5; returns the records each party reported last (the intersection size). */
  Map<String, Long> align() {
    return align(UnaryOperator.identity());
  }

  /** Stages 2 to 5, with the peers' keys passed through {@code relayKeys} (a dishonest relay). */
  Map<String, Long> align(UnaryOperator<List<SignedSealKey>> relayKeys) {
    blind(relayKeys);
    everyParty(VerticalStage.VERTICAL_ALIGN_REBLIND);
    flush();
    Map<String, Long> records = new LinkedHashMap<>();
    for (String s : sites.keySet()) {
      records.put(s, ask(s, 0, stage(VerticalStage.VERTICAL_ALIGN_INTERSECT)).getRecords());
    }
    flush();
    for (String h : HOSTS) {
      records.put(h, ask(h, 0, stage(VerticalStage.VERTICAL_ALIGN_CONFIRM)).getRecords());
    }
    flush();
    return records;
  }

  /** The job's batches over the intersection. */
  FixedBatches batches() {
    return new FixedBatches(intersection().size(), spec.training().batchSize(), spec.seed());
  }

  /** Asks every party for {@code task}, in the spec's order, then delivers the stage's envelopes. */
  Map<String, VerticalMessage> stageAll(int round, VerticalTask.Builder task) {
    Map<String, VerticalMessage> answers = new LinkedHashMap<>();
    for (String s : sites.keySet()) {
      answers.put(s, ask(s, round, task.clone()));
    }
    flush();
    return answers;
  }

  /** SSHE_SETUP at every party: each builds its training party and sends its encrypted features. */
  void ssheSetup() {
    stageAll(0, stage(VerticalStage.SSHE_SETUP));
    ssheReady = true;
  }

  private boolean ssheReady;

  /** SSHE_SETUP, then every epoch; returns the guest's epoch losses. */
  List<Double> train() {
    for (int e = 1; e <= spec.training().epochs(); e++) {
      trainEpoch(e);
    }
    return losses;
  }

  /** The consent re-check at every party, whose dropped rows the relay unions (as the coordinator does). */
  List<Integer> epochConsent(int e) {
    TreeSet<Integer> union = new TreeSet<>(droppedByEpoch.getOrDefault(e - 1, List.of()));
    for (VerticalMessage m : stageAll(e, stage(VerticalStage.VERTICAL_EPOCH_CONSENT).setEpoch(e)).values()) {
      union.addAll(m.getDroppedRowsList());
    }
    List<Integer> dropped = List.copyOf(union);
    droppedByEpoch.put(e, dropped);
    return dropped;
  }

  /**
   * Epoch {@code e} (SSHE_SETUP first if not done): the consent re-check, SSHE_OPEN with the union,
   * every step and the loss stages; the guest's loss is kept in {@link #losses}.
   */
  void trainEpoch(int e) {
    if (!ssheReady) {
      ssheSetup();
    }
    List<Integer> dropped = epochConsent(e);
    stageAll(e, stage(VerticalStage.SSHE_OPEN).setEpoch(e).addAllDroppedRows(dropped));
    int steps = batches().count();
    for (int s = 0; s < steps; s++) {
      stageAll(e, stage(VerticalStage.SSHE_FORWARD).setEpoch(e).setStep(s));
      stageAll(e, stage(VerticalStage.SSHE_GRADIENT).setEpoch(e).setStep(s));
    }
    stageAll(e, stage(VerticalStage.SSHE_LOSS_OPERANDS).setEpoch(e));
    stageAll(e, stage(VerticalStage.SSHE_LOSS_PRODUCTS).setEpoch(e));
    stageAll(e, stage(VerticalStage.SSHE_LOSS_SHARES).setEpoch(e));
    losses.add(stageAll(e, stage(VerticalStage.SSHE_LOSS).setEpoch(e)).get(GUEST).getLoss());
  }

  /** SSHE_REVEAL and SSHE_STORE after {@code epoch}: every party stores its piece of {@code JOB/v<epoch>}. */
  void store(int epoch) {
    stageAll(epoch, stage(VerticalStage.SSHE_REVEAL).setEpoch(epoch));
    stageAll(epoch, stage(VerticalStage.SSHE_STORE).setEpoch(epoch).setModelVersion(JOB + "/v" + epoch));
  }

  /** {@link #store} after the job's last epoch. */
  void store() {
    store(spec.training().epochs());
  }

  /**
   * The evaluation after {@code epoch} (once stored): SSHE_EVAL_ROWS once per host, then histogram,
   * operands, product, share and AUC at every party; returns the guest's AUC.
   */
  double evaluate(int epoch) {
    for (int round = 1; round <= HOSTS.size(); round++) {
      stageAll(epoch, stage(VerticalStage.SSHE_EVAL_ROWS).setEpoch(epoch).setStep(round));
    }
    for (VerticalStage s : List.of(VerticalStage.SSHE_EVAL_HISTOGRAM, VerticalStage.SSHE_EVAL_OPERANDS,
        VerticalStage.SSHE_EVAL_PRODUCT, VerticalStage.SSHE_EVAL_SHARE)) {
      stageAll(epoch, stage(s).setEpoch(epoch));
    }
    return stageAll(epoch, stage(VerticalStage.SSHE_EVAL_AUC).setEpoch(epoch)).get(GUEST).getAuc();
  }

  /** {@link #store} and {@link #evaluate} after the job's last epoch; returns the guest's AUC. */
  double storeAndEvaluate() {
    store();
    return evaluate(spec.training().epochs());
  }

  @Override
  public void close() {
    for (Site s : sites.values()) {
      s.participant().close();
      s.models().close();
    }
  }
}
