package dev.tandem.node.vertical;

import dev.tandem.crypto.paillier.PaillierParameters;
import dev.tandem.model.FeatureCheck;
import dev.tandem.model.FeatureSpec;
import dev.tandem.model.RowView;
import dev.tandem.model.vertical.VerticalJobSpec;
import dev.tandem.node.data.DataSnapshots;
import dev.tandem.node.data.LocalData;
import dev.tandem.proto.VerticalWire;
import dev.tandem.proto.v1.Task;
import dev.tandem.proto.v1.VerticalMessage;
import dev.tandem.proto.v1.VerticalStage;
import dev.tandem.proto.v1.VerticalTask;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * This node's side of vertical jobs ({@code docs/VERTICAL_PROTOCOL.md}): one {@link VerticalSession}
 * per job, from VERTICAL_SETUP until its last stage is answered, the job ends, or this node refuses a
 * stage. Training is the secret-shared protocol ({@link SsheTraining}): this party's own Paillier
 * key, no decryption oracle; the coordinator only relays sealed envelopes. The node's {@link VerticalGuards} apply whatever the job says:
 * key size and batch floor at setup, PSI set sizes at re-blinding, floor and minimum cohort on the
 * intersection and at every epoch, whose start re-reads consent ({@link EpochConsent}).
 *
 * <p>Each task is answered through the {@link VerticalTransport} with one {@link VerticalMessage}, or
 * declined with a status code name and a reason a person can act on: PERMISSION_DENIED for a purpose,
 * partner or seal key the node does not accept, FAILED_PRECONDITION for missing columns, too few
 * consented or aligned records, a final intersection that is not a subset of this node's, or a stage
 * out of order, INVALID_ARGUMENT for a malformed spec or envelope or a message the protocol refuses.
 * A declined stage ends the node's part in the job. Every use of the records is audited before its
 * first answer leaves (write-ahead; a refusal of that answer recorded after): the alignment, the
 * setup, each epoch (one entry, at SSHE_OPEN) and the evaluation, so a job that aborts leaves the
 * entries of what already left. The model piece is stored at SSHE_STORE; the session ends with the
 * evaluation's last stage, SSHE_EVAL_AUC.
 *
 * <p>Not thread-safe: the agent's single worker thread (never a gRPC thread) calls {@link #handle}.
 */
public final class VerticalParticipant implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(VerticalParticipant.class.getName());

  private final String site;
  private final DataSnapshots data;
  private final VerticalConsent consent;
  private final SealKeys keys;
  private final VerticalModels models;
  private final VerticalTransport transport;
  private final Clock clock;
  private final SecureRandom random;
  private final Tap tap;
  private final VerticalGuards guards;
  private final Alignment alignment;
  private final EpochConsent epochs;
  private final Map<String, VerticalSession> sessions = new ConcurrentHashMap<>();

  /**
   * @param data the node's records; every consented record of both splits takes part
   * @param random the node's one source of secure randomness
   */
  public VerticalParticipant(String site, LocalData data, VerticalConsent consent, VerticalPolicy policy,
      SealKeys keys, VerticalModels models, VerticalTransport transport, Clock clock, SecureRandom random) {
    this(site, DataSnapshots.fixed(data), consent, policy, keys, models, transport, clock, random, Tap.NONE);
  }

  /**
   * A participant that reads its records per job: {@code data} gives each job its snapshot at setup.
   *
   * @param random the node's one source of secure randomness
   */
  public VerticalParticipant(String site, DataSnapshots data, VerticalConsent consent, VerticalPolicy policy,
      SealKeys keys, VerticalModels models, VerticalTransport transport, Clock clock, SecureRandom random) {
    this(site, data, consent, policy, keys, models, transport, clock, random, Tap.NONE);
  }

  VerticalParticipant(String site, LocalData data, VerticalConsent consent, VerticalPolicy policy, SealKeys keys,
      VerticalModels models, VerticalTransport transport, Clock clock, SecureRandom random, Tap tap) {
    this(site, DataSnapshots.fixed(data), consent, policy, keys, models, transport, clock, random, tap);
  }

  /**
   * @param tap sees every payload before it is sealed
   */
  VerticalParticipant(String site, DataSnapshots data, VerticalConsent consent, VerticalPolicy policy, SealKeys keys,
      VerticalModels models, VerticalTransport transport, Clock clock, SecureRandom random, Tap tap) {
    this.site = Objects.requireNonNull(site, "site");
    this.data = Objects.requireNonNull(data, "data");
    this.consent = Objects.requireNonNull(consent, "consent");
    this.keys = Objects.requireNonNull(keys, "keys");
    if (!keys.site().equals(site)) {
      throw new IllegalArgumentException("the seal keys are signed for site '" + keys.site() + "', not '" + site + "'");
    }
    this.models = Objects.requireNonNull(models, "models");
    this.transport = Objects.requireNonNull(transport, "transport");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.random = Objects.requireNonNull(random, "random");
    this.tap = Objects.requireNonNull(tap, "tap");
    this.guards = new VerticalGuards(site, policy, consent);
    this.alignment = new Alignment(keys, guards, random);
    this.epochs = new EpochConsent(consent, clock, guards);
  }

  /** Whether {@code task} belongs to a vertical job (it carries a vertical spec or stage). */
  public static boolean isVertical(Task task) {
    return task.hasVerticalJob() || task.hasVertical();
  }

  /** Whether this node is in the middle of vertical job {@code jobId}. */
  public boolean inProgress(String jobId) {
    return sessions.containsKey(jobId);
  }

  /** Does one stage of a vertical job and answers it, or ends the job's session when the job ended. */
  public void handle(Task task) {
    if (task.hasEnded()) {
      end(task.getJobId());
      LOG.info(() -> "vertical job " + task.getJobId() + " ended: " + task.getEnded().getState() + " "
          + task.getEnded().getReason());
      return;
    }
    VerticalStage stage = task.getVertical().getStage();
    try {
      if (!task.hasVertical()) {
        throw Refusal.malformed("a task of vertical job " + task.getJobId() + " carries no stage");
      }
      if (stage == VerticalStage.SSHE_STORE) {
        store(task);
        return;
      }
      VerticalMessage.Builder answer = stage == VerticalStage.VERTICAL_SETUP ? setup(task) : stage(task, stage);
      VerticalMessage sent = finish(task, answer);
      VerticalSession s = sessions.get(task.getJobId());
      byte[] bytes = sent.toByteArray();
      // write-ahead: once the answer leaves, the coordinator may read it, whatever it answers
      OptionalInt audited = s == null ? OptionalInt.empty() : writeAhead(s, task.getVertical(), bytes);
      boolean accepted = transport.submit(task, sent);
      if (audited.isPresent()) {
        consent.answered(s.spec, audited.getAsInt(), accepted, bytes);
      }
      if (!accepted || stage == LAST_STAGE) {
        end(task.getJobId());
      }
    } catch (Refusal r) {
      end(task.getJobId());
      transport.decline(task, r.code(), r.reason());
    } catch (RuntimeException e) {
      LOG.log(Level.SEVERE, "stage " + stage + " of vertical job " + task.getJobId() + " failed", e);
      end(task.getJobId());
      transport.decline(task, Refusal.INTERNAL, "site '" + site + "' failed stage " + stage + " of job "
          + task.getJobId() + ": " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": "
          + e.getMessage()));
    }
  }

  /** The job's last stage: once the coordinator accepts it, the session ends. */
  static final VerticalStage LAST_STAGE = VerticalStage.SSHE_EVAL_AUC;

  /** The stages that must find this party's training built. */
  private static final Set<VerticalStage> TRAINING = java.util.EnumSet.range(VerticalStage.SSHE_OPEN,
      VerticalStage.SSHE_EVAL_AUC);

  private VerticalMessage.Builder stage(Task task, VerticalStage stage) throws Refusal {
    VerticalSession s = session(task);
    VerticalTask t = task.getVertical();
    StageOrder.Position previous = s.order.advance(stage, t.getEpoch(), t.getStep());
    if (s.sshe == null && TRAINING.contains(stage)) {
      throw new IllegalStateException("stage " + stage + " passed the stage order without a training party");
    }
    if (s.sshe != null) {
      // every party does every stage from SSHE_SETUP on: the inbox holds the previous stage's messages
      SsheTraining.accept(s, t, previous);
    }
    return switch (stage) {
      case VERTICAL_ALIGN_BLIND -> alignment.blind(s, task);
      case VERTICAL_ALIGN_REBLIND -> alignment.reblind(s, task);
      case VERTICAL_ALIGN_INTERSECT -> alignment.intersect(s, task);
      case VERTICAL_ALIGN_CONFIRM -> alignment.confirm(s, task);
      case SSHE_SETUP -> SsheTraining.setup(s, t, random);
      case VERTICAL_EPOCH_CONSENT -> epochs.recheck(s, task);
      case SSHE_OPEN -> {
        epochs.union(s, task);
        yield SsheTraining.open(s, t);
      }
      case SSHE_FORWARD -> SsheTraining.forward(s, t);
      case SSHE_GRADIENT -> SsheTraining.gradient(s, t);
      case SSHE_LOSS_OPERANDS -> SsheTraining.lossOperands(s, t);
      case SSHE_LOSS_PRODUCTS -> SsheTraining.lossProducts(s, t);
      case SSHE_LOSS_SHARES -> SsheTraining.lossShares(s, t);
      case SSHE_LOSS -> SsheTraining.loss(s, t);
      case SSHE_REVEAL -> SsheTraining.reveal(s, t);
      case SSHE_EVAL_ROWS, SSHE_EVAL_HISTOGRAM, SSHE_EVAL_OPERANDS, SSHE_EVAL_PRODUCT, SSHE_EVAL_SHARE ->
          SsheTraining.evaluation(s, t);
      case SSHE_EVAL_AUC -> SsheTraining.auc(s, t);
      default -> throw Refusal.malformed("site '" + site + "' does not do vertical stage " + stage);
    };
  }

  /**
   * VERTICAL_SETUP: the consent gate, the key size and batch floor guards, the columns, the consented
   * records and a fresh seal key.
   */
  private VerticalMessage.Builder setup(Task task) throws Refusal {
    VerticalJobSpec spec = spec(task);
    if (sessions.containsKey(spec.jobId())) {
      throw Refusal.precondition("site '" + site + "' has already set up vertical job " + spec.jobId());
    }
    if (!spec.sites().contains(site)) {
      throw Refusal.permission("site '" + site + "' is not a party of job " + spec.jobId());
    }
    boolean guest = spec.isGuest(site);
    List<String> columns = new ArrayList<>(spec.party(site).features().stream().map(FeatureSpec::name).toList());
    if (guest) {
      columns.add(spec.label().column());
    }
    LocalData data;
    try {
      data = this.data.forJob(spec.jobId());
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "site '" + site + "' cannot read its data for job " + spec.jobId(), e);
      throw Refusal.precondition("site '" + site + "' cannot read its data source (the node's log says why)");
    }
    LocalData snapshot = data;
    List<String> missing = data.missingColumns(columns);
    // the records are read only for a job the policy admits
    AtomicReference<Optional<String>> unreadable = new AtomicReference<>(Optional.empty());
    Optional<String> policy = consent.refusal(spec, () -> {
      unreadable.set(missing.isEmpty() ? encodable(snapshot, spec.party(site).features()) : Optional.empty());
      return unreadable.get();
    });
    if (policy.isPresent()) {
      throw policy.equals(unreadable.get()) ? Refusal.precondition(policy.get()) : Refusal.permission(policy.get());
    }
    if (!missing.isEmpty()) {
      throw Refusal.precondition("site '" + site + "' has no column for " + String.join(", ", missing));
    }
    PaillierParameters key;
    try {
      key = PaillierParameters.byName(spec.keySize());
      SsheTraining.config(spec);
    } catch (IllegalArgumentException e) {
      throw Refusal.malformed("the vertical job spec of job " + spec.jobId() + " is invalid: " + e.getMessage());
    }
    guards.keySize(spec, key);
    guards.batchSize(spec);
    Instant at = clock.instant();
    Map<String, RowView> rows = consentedRows(consent.select(spec.purpose(), data, at));
    String what = "records consented for '" + spec.purpose() + "'";
    if (guest) {
      rows.values().removeIf(r -> !AlignedEncoding.labelled(r, spec.label()));
      what += " with a readable label";
    }
    Optional<String> small = consent.cohortRefusal(spec.purpose(), rows.size(), what);
    if (small.isPresent()) {
      throw Refusal.precondition(small.get());
    }
    VerticalSession s = new VerticalSession(spec, task.getVerticalJob(), site, data, rows, random, tap);
    s.setupConsentAt = at;
    sessions.put(spec.jobId(), s);
    return VerticalMessage.newBuilder().setSealKey(keys.sign(spec.jobId(), s.sealKey())).setRecords(rows.size());
  }

  /**
   * Why this party's records cannot be encoded for its features ({@link FeatureCheck}, over both splits),
   * without any record value or count; empty when they can.
   */
  private Optional<String> encodable(LocalData data, List<FeatureSpec> features) {
    List<RowView> all = new ArrayList<>(data.train());
    all.addAll(data.test());
    List<FeatureCheck.Problem> problems = FeatureCheck.check(features, all, FeatureCheck.DEFAULT_MAX_UNREADABLE_SHARE);
    return problems.isEmpty() ? Optional.empty() : Optional.of("site '" + site + "' cannot encode its features of"
        + " the job from its records: " + String.join("; ", problems.stream().map(FeatureCheck.Problem::reason)
        .toList()));
  }

  private VerticalJobSpec spec(Task task) throws Refusal {
    VerticalJobSpec spec;
    try {
      spec = VerticalWire.fromProto(task.getVerticalJob());
    } catch (IllegalArgumentException e) {
      throw Refusal.malformed("the vertical job spec is invalid: " + e.getMessage());
    }
    if (spec.jobId().isEmpty() || !spec.jobId().equals(task.getJobId())) {
      throw Refusal.malformed("the vertical job spec names job '" + spec.jobId() + "' in a task of job '"
          + task.getJobId() + "'");
    }
    return spec;
  }

  /** The consented rows of both splits by subject id, in file order. */
  private static Map<String, RowView> consentedRows(LocalData consented) throws Refusal {
    Map<String, RowView> rows = new LinkedHashMap<>();
    Iterator<String> trainIds = consented.trainIds().iterator();
    for (RowView row : consented.train()) {
      rows.put(trainIds.next(), row);
    }
    Iterator<String> testIds = consented.testIds().iterator();
    for (RowView row : consented.test()) {
      if (rows.putIfAbsent(testIds.next(), row) != null) {
        throw Refusal.precondition("a subject id is in both the training and the held-out file of this site;"
            + " a vertical job needs one record per subject");
      }
    }
    return rows;
  }

  private VerticalSession session(Task task) throws Refusal {
    VerticalSession s = sessions.get(task.getJobId());
    if (s == null) {
      throw Refusal.precondition("site '" + site + "' has no vertical session of job " + task.getJobId()
          + " (it was not set up here, or it has ended)");
    }
    if (!s.wire.equals(task.getVerticalJob())) {
      throw Refusal.malformed("the vertical job spec of job " + task.getJobId() + " changed after setup");
    }
    return s;
  }

  /**
   * Writes the audit entry of the use that {@code sent}, the answer to stage {@code t}, is the first
   * answer of, before it leaves: {@code RECORDS_USED} for the alignment (VERTICAL_ALIGN_BLIND, the
   * blinded ids of the consented subjects), the setup (SSHE_SETUP, the aligned rows' encrypted
   * features) and the evaluation (its first stage, SSHE_EVAL_ROWS round 1, over the last epoch's
   * subjects); {@code ROUND_CONTRIBUTED} for an epoch at SSHE_OPEN, once the epoch's subjects are
   * fixed and before any answer computed from them. The other answers carry no record-derived value
   * of a use not yet audited: VERTICAL_SETUP a count and a key, VERTICAL_EPOCH_CONSENT row indices
   * dropped for consent, SSHE_STORE nothing.
   *
   * @return the round of the entry written, or empty if the answer needs none
   */
  private OptionalInt writeAhead(VerticalSession s, VerticalTask t, byte[] sent) {
    switch (t.getStage()) {
      case VERTICAL_ALIGN_BLIND -> consent.using(s.spec, 0, VerticalConsent.Use.ALIGNMENT, s.setupConsentAt,
          s.candidateIds(), s.data.version(), sent);
      case SSHE_SETUP -> consent.using(s.spec, 0, VerticalConsent.Use.TRAINING_SETUP, s.setupConsentAt, s.aligned,
          s.data.version(), sent);
      case SSHE_OPEN -> consent.contributing(s.spec, s.data.version(), new EpochUse(t.getEpoch(), s.epochConsentAt,
          s.epochSubjects, sent));
      case SSHE_EVAL_ROWS -> {
        if (t.getStep() != 1) {
          return OptionalInt.empty();
        }
        consent.using(s.spec, t.getEpoch(), VerticalConsent.Use.EVALUATION, s.epochConsentAt, s.epochSubjects,
            s.data.version(), sent);
      }
      default -> {
        return OptionalInt.empty();
      }
    }
    return OptionalInt.of(t.getStage() == VerticalStage.SSHE_OPEN || t.getStage() == VerticalStage.SSHE_EVAL_ROWS
        ? t.getEpoch() : 0);
  }

  /**
   * SSHE_STORE: stores this party's model piece (the epochs it comes from were each audited at their
   * SSHE_OPEN), then answers. The evaluation that follows uses the last epoch's rows again, audited at
   * its first stage, and stores nothing.
   */
  private void store(Task task) throws Refusal {
    VerticalSession s = session(task);
    VerticalTask t = task.getVertical();
    StageOrder.Position previous = s.order.advance(VerticalStage.SSHE_STORE, t.getEpoch(), t.getStep());
    SsheTraining.accept(s, t, previous);
    SsheTraining.Stored stored = SsheTraining.store(s, t);
    try {
      models.save(stored.piece());
      // the job's seal keys and intersection, so that scoring with the model sends no id in the clear
      models.saveScoringKeys(stored.piece().version(), s.scoringKeys());
    } catch (IllegalStateException ex) {
      throw Refusal.precondition("site '" + site + "' cannot store its piece of model " + stored.piece().version()
          + ": " + ex.getMessage());
    }
    if (!transport.submit(task, finish(task, stored.answer()))) {
      end(s.jobId());
    }
  }

  private static VerticalMessage finish(Task task, VerticalMessage.Builder answer) {
    return answer.setTaskId(task.getTaskId()).setJobId(task.getJobId()).setRound(task.getRound())
        .setStage(task.getVertical().getStage()).build();
  }

  /** The session of job {@code jobId}, for tests. */
  Optional<VerticalSession> session(String jobId) {
    return Optional.ofNullable(sessions.get(jobId));
  }

  private void end(String jobId) {
    VerticalSession s = sessions.remove(jobId);
    if (s != null) {
      s.close();
    }
  }

  /** Ends every session. */
  @Override
  public void close() {
    for (String jobId : List.copyOf(sessions.keySet())) {
      end(jobId);
    }
  }
}
