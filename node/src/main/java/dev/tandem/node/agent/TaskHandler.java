package dev.tandem.node.agent;

import com.google.protobuf.ByteString;
import com.google.protobuf.MessageLite;
import dev.tandem.crypto.secagg.FixedPoint;
import dev.tandem.crypto.secagg.SecAggConfig;
import dev.tandem.crypto.secagg.SecAggException;
import dev.tandem.model.FeatureEncoder;
import dev.tandem.model.FeatureSpec;
import dev.tandem.model.JobSpec;
import dev.tandem.model.Normalization;
import dev.tandem.node.audit.HeadCountersigner;
import dev.tandem.node.data.LocalData;
import dev.tandem.node.privacy.BudgetCheck;
import dev.tandem.node.privacy.PrivacyBudgets;
import dev.tandem.node.privacy.PrivacyLedger;
import dev.tandem.node.secagg.SecureRounds;
import dev.tandem.node.store.ContributionLog;
import dev.tandem.node.training.DpSteps;
import dev.tandem.node.training.EncodedData;
import dev.tandem.node.training.Evaluation;
import dev.tandem.node.training.Evaluator;
import dev.tandem.node.training.FeatureMoments;
import dev.tandem.node.training.LocalTrainer;
import dev.tandem.node.training.TrainResult;
import dev.tandem.node.vertical.SealKeys;
import dev.tandem.node.vertical.VerticalModels;
import dev.tandem.node.vertical.VerticalParticipant;
import dev.tandem.node.vertical.VerticalPolicy;
import dev.tandem.node.vertical.VerticalTransport;
import dev.tandem.node.vertical.scoring.ScoreResponder;
import dev.tandem.proto.Wire;
import dev.tandem.proto.v1.EvaluationReport;
import dev.tandem.proto.v1.FederationGrpc.FederationBlockingStub;
import dev.tandem.proto.v1.ModelUpdate;
import dev.tandem.proto.v1.NumericMoments;
import dev.tandem.proto.v1.SecAggMessage;
import dev.tandem.proto.v1.SecAggParams;
import dev.tandem.proto.v1.SecAggStage;
import dev.tandem.proto.v1.SecAggTask;
import dev.tandem.proto.v1.StatsReport;
import dev.tandem.proto.v1.Task;
import dev.tandem.proto.v1.TaskDeclined;
import dev.tandem.proto.v1.VerticalMessage;
import dev.tandem.proto.v1.VerticalStage;
import io.grpc.StatusRuntimeException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Does one task of the coordinator on the node's own data and answers it.
 *
 * <p>Only aggregates leave: feature moments, trained parameters, metrics and score histograms.
 * Each answer is recorded with a hash of its bytes in the {@link ContributionLog}. Not
 * thread-safe: the agent calls it from one worker thread.
 */
final class TaskHandler {
  private static final Logger LOG = Logger.getLogger(TaskHandler.class.getName());

  private final String site;
  private final LocalData data;
  private final ContributionLog log;
  private final Supplier<FederationBlockingStub> stub;
  private final HeadCountersigner countersigner;
  private final Clock clock;
  private final LocalTrainer trainer = new LocalTrainer();
  private final Evaluator evaluator = new Evaluator();
  private final Map<String, Encoded> encodedByJob = new ConcurrentHashMap<>();
  private final SecureRounds secure;
  private final ConsentGate gate;
  /** Per job: the consented selection and privacy spent of a secure round until its masked input is sent. */
  private final Map<String, PendingContribution> pending = new ConcurrentHashMap<>();

  private record PendingContribution(int round, ConsentGate.Consented consented, Spent privacy) {}
  private final PrivacyLedger ledger;
  private final PrivacyBudgets budgets;
  private final VerticalParticipant vertical;

  private record Encoded(Normalization normalization, int selection, EncodedData train, EncodedData test) {}

  /** What this site has spent of its privacy budget on a job, as reported with its update. */
  private final ScoreResponder scores;

  private record Spent(double epsilon, double delta) {
    static final Spent NONE = new Spent(0, 0);
  }

  TaskHandler(String site, LocalData data, ContributionLog log, Supplier<FederationBlockingStub> stub, Clock clock,
      SecureRounds secure, PrivacyLedger ledger, PrivacyBudgets budgets, ConsentGate gate, SealKeys sealKeys,
      VerticalModels verticalModels, VerticalPolicy verticalPolicy, SecureRandom random, ScoreResponder scores) {
    this.site = site;
    this.scores = scores;
    this.gate = gate;
    this.secure = secure;
    this.ledger = ledger;
    this.budgets = budgets;
    this.data = data;
    this.log = log;
    this.stub = stub;
    this.countersigner = new CoordinatorCountersigner(stub);
    this.clock = clock;
    this.vertical = new VerticalParticipant(site, data, gate.vertical(countersigner), verticalPolicy, sealKeys,
        verticalModels, new VerticalAnswers(), clock, random);
  }

  /** Sends vertical answers and declines like every other answer, recorded in the contribution log. */
  private final class VerticalAnswers implements VerticalTransport {
    @Override
    public boolean submit(Task task, VerticalMessage answer) {
      String outcome = call(() -> stub.get().submitVertical(answer));
      String stage = answer.getStage().name().replaceFirst("^VERTICAL_", "").toLowerCase();
      record(task.getJobId(), task.getRound(), "vertical-" + stage, answer.getRecords(), answer, outcome);
      return outcome.equals("accepted");
    }

    @Override
    public void decline(Task task, String code, String reason) {
      TaskHandler.this.decline(task, code, reason, 0);
    }
  }

  /** Ends the sessions of vertical jobs in progress. */
  void close() {
    vertical.close();
  }

  /** How many jobs this node has been asked to take part in since it started. */
  long jobsSeen() {
    return gate.jobsSeen();
  }

  void handle(Task task) {
    if (task.hasVertical() && task.getVertical().getStage() == VerticalStage.VERTICAL_SCORE) {
      scores.respond(task, new VerticalAnswers());
      return;
    }
    // a vertical job's tasks carry its vertical spec; its JobEnded may carry no spec at all
    if (VerticalParticipant.isVertical(task) || (task.hasEnded() && !task.hasJob())) {
      vertical.handle(task);
      return;
    }
    JobSpec job;
    try {
      job = Wire.fromProto(task.getJob());
    } catch (IllegalArgumentException e) {
      decline(task, "the job spec is invalid: " + e.getMessage());
      return;
    }
    if (task.hasEnded()) {
      encodedByJob.remove(job.jobId());
      secure.abandon(job.jobId());
      LOG.info(() -> "job " + job.jobId() + " ended: " + task.getEnded().getState() + " "
          + task.getEnded().getReason());
      return;
    }
    if (!job.sites().contains(site)) {
      decline(task, "PERMISSION_DENIED", "site '" + site + "' is not a participant of job " + job.jobId(), 0);
      return;
    }
    Optional<String> policy = gate.refusal(job);
    if (policy.isPresent()) {
      decline(task, "PERMISSION_DENIED", policy.get(), 0);
      return;
    }
    Optional<String> refusal = refusal(job);
    if (refusal.isPresent()) {
      decline(task, refusal.get());
      return;
    }
    switch (task.getKindCase()) {
      case STATS -> stats(task, job);
      case TRAIN -> train(task, job);
      case EVALUATE -> evaluate(task, job);
      case SECAGG -> secagg(task, job);
      default -> decline(task, "this node does not know task kind " + task.getKindCase());
    }
  }

  private Optional<String> refusal(JobSpec job) {
    List<String> missing = new ArrayList<>();
    for (FeatureSpec f : job.features()) {
      if (!data.hasColumn(f.name())) {
        missing.add(f.name());
      }
    }
    if (!data.hasColumn(job.label().column())) {
      missing.add(job.label().column());
    }
    if (!missing.isEmpty()) {
      return Optional.of("site '" + site + "' has no column for " + String.join(", ", missing));
    }
    if (data.trainSize() == 0) {
      return Optional.of("site '" + site + "' has no training records");
    }
    return Optional.empty();
  }

  private void stats(Task task, JobSpec job) {
    ConsentGate.Consented view = gate.select(job, data, clock.instant());
    Optional<String> small = gate.cohortRefusal(job, view);
    if (small.isPresent()) {
      decline(task, small.get());
      return;
    }
    FeatureMoments m = FeatureMoments.of(view.data().train(), job);
    StatsReport.Builder b = StatsReport.newBuilder().setTaskId(task.getTaskId()).setJobId(job.jobId())
        .setRound(task.getRound()).setRecordCount(view.data().trainSize());
    for (int i = 0; i < m.counts().length; i++) {
      b.addMoments(NumericMoments.newBuilder().setCount(m.counts()[i]).setSum(m.sums()[i])
          .setSumSquares(m.sumSquares()[i]));
    }
    StatsReport report = b.build();
    send(job, task, "stats", view.data().trainSize(), report, () -> stub.get().submitStats(report));
  }

  private void train(Task task, JobSpec job) {
    ConsentGate.Consented view = gate.select(job, data, clock.instant());
    Optional<String> small = gate.cohortRefusal(job, view);
    if (small.isPresent()) {
      decline(task, small.get());
      return;
    }
    Encoded enc = encoded(job, Wire.fromProto(task.getTrain().getNormalization()), view);
    double[] global = Wire.values(task.getTrain().getGlobal());
    if (global.length != job.architecture().parameterCount()) {
      decline(task, "the global model has " + global.length + " parameters; the job's model has "
          + job.architecture().parameterCount());
      return;
    }
    if (job.privacy().secureAggregation() && !task.getTrain().hasSecagg()) {
      decline(task, "the job requires secure aggregation but the task has no secure aggregation parameters");
      return;
    }
    Spent privacy = Spent.NONE;
    if (job.privacy().dp() != null) {
      // charged before training: a crash after training cannot leave a spend unrecorded
      DpSteps cost = LocalTrainer.plannedSteps(job, enc.train().size());
      BudgetCheck check = ledger.charge(job.purpose(), job.jobId(), task.getRound(), cost,
          budgets.forPurpose(job.purpose()));
      if (!check.allowed()) {
        decline(task, "RESOURCE_EXHAUSTED", check.refusal().orElseThrow(), check.epsilonLeft());
        return;
      }
      double delta = job.privacy().dp().delta();
      privacy = new Spent(ledger.spentOnJob(job.jobId(), delta).epsilon(), delta);
    }
    TrainResult trained = trainer.train(job, global, enc.train(), job.seed() * 1_000_003L + task.getRound());
    // Under DP only the parameters are protected: the exact training loss is not sent.
    TrainResult r = job.privacy().dp() == null ? trained
        : new TrainResult(trained.parameters(), trained.sampleCount(), 0);
    if (task.getTrain().hasSecagg()) {
      pending.put(job.jobId(), new PendingContribution(task.getRound(), view, privacy));
      beginSecure(task, job, r, privacy);
      return;
    }
    ModelUpdate update = ModelUpdate.newBuilder().setTaskId(task.getTaskId()).setJobId(job.jobId())
        .setRound(task.getRound()).setSampleCount(r.sampleCount())
        .setParameters(Wire.parameters(r.parameters())).setTrainLoss(r.meanLoss())
        .setEpsilonSpent(privacy.epsilon()).setDelta(privacy.delta()).build();
    if (send(job, task, "update", r.sampleCount(), update, () -> stub.get().submitUpdate(update))) {
      gate.contributed(job, task.getRound(), view, job.privacy().dp() == null ? null : privacy.epsilon(),
          update.toByteArray(), countersigner);
    }
  }

  private void beginSecure(Task task, JobSpec job, TrainResult r, Spent privacy) {
    SecAggParams p = task.getTrain().getSecagg();
    byte[] advertisement;
    try {
      SecAggConfig config = new SecAggConfig(p.getRoundId(), p.getParticipantsList(), p.getThreshold(),
          new FixedPoint(p.getFractionalBits(), p.getClip()), p.getVectorLength());
      advertisement = secure.begin(job.jobId(), config,
          SecureRounds.input(r.parameters(), r.sampleCount(), r.meanLoss(), p.getClip()));
    } catch (IllegalArgumentException | SecAggException e) {
      decline(task, "cannot take part in secure aggregation: " + e.getMessage());
      return;
    }
    submitSecAgg(task, job, SecAggStage.ADVERTISE_KEYS, r.sampleCount(), List.of(advertisement), privacy);
  }

  private void secagg(Task task, JobSpec job) {
    SecAggTask t = task.getSecagg();
    List<byte[]> messages = t.getMessagesList().stream().map(ByteString::toByteArray).toList();
    List<byte[]> payload;
    try {
      payload = switch (t.getStage()) {
        case SHARE_KEYS -> secure.shareKeys(job.jobId(), messages,
            t.getCertificatesList().stream().map(ByteString::toByteArray).toList());
        case MASKED_INPUT -> List.of(secure.maskInput(job.jobId(), messages));
        case UNMASKING -> List.of(secure.unmask(job.jobId(), Set.copyOf(t.getSurvivorsList())));
        default -> throw new SecAggException(SecAggException.Reason.MALFORMED, null,
            "unknown secure aggregation stage " + t.getStage());
      };
    } catch (SecAggException | IllegalArgumentException e) {
      secure.abandon(job.jobId());
      decline(task, "secure aggregation refused: " + e.getMessage());
      return;
    }
    boolean accepted = submitSecAgg(task, job, t.getStage(), 0, payload, Spent.NONE);
    PendingContribution p = pending.get(job.jobId());
    if (accepted && t.getStage() == SecAggStage.MASKED_INPUT && p != null && p.round() == task.getRound()) {
      pending.remove(job.jobId());
      gate.contributed(job, p.round(), p.consented(), job.privacy().dp() == null ? null : p.privacy().epsilon(),
          payload.get(0), countersigner);
    }
  }

  private boolean submitSecAgg(Task task, JobSpec job, SecAggStage stage, long samples, List<byte[]> payload,
      Spent privacy) {
    SecAggMessage m = SecAggMessage.newBuilder().setTaskId(task.getTaskId()).setJobId(job.jobId())
        .setRound(task.getRound()).setStage(stage).setEpsilonSpent(privacy.epsilon()).setDelta(privacy.delta())
        .addAllPayload(payload.stream().map(ByteString::copyFrom).toList()).build();
    return send(job, task, "secagg-" + stage.name().toLowerCase(), samples, m, () -> stub.get().submitSecAgg(m));
  }

  private void evaluate(Task task, JobSpec job) {
    ConsentGate.Consented view = gate.select(job, data, clock.instant());
    Encoded enc = encoded(job, Wire.fromProto(task.getEvaluate().getNormalization()), view);
    Evaluation e = evaluator.evaluate(job, Wire.values(task.getEvaluate().getModel()), enc.test());
    EvaluationReport.Builder b = EvaluationReport.newBuilder().setTaskId(task.getTaskId()).setJobId(job.jobId())
        .setRound(task.getRound()).setSampleCount(e.sampleCount()).setPositives(e.positives())
        .setLogLossSum(e.logLossSum()).setCorrect(e.correct()).setLocalAuc(Double.isNaN(e.auc()) ? 0 : e.auc());
    for (long v : e.histogram().positives()) {
      b.addPositiveHistogram(v);
    }
    for (long v : e.histogram().negatives()) {
      b.addNegativeHistogram(v);
    }
    EvaluationReport report = b.build();
    send(job, task, "evaluation", e.sampleCount(), report, () -> stub.get().submitEvaluation(report));
  }

  private Encoded encoded(JobSpec job, Normalization normalization, ConsentGate.Consented view) {
    int selection = 31 * view.data().trainIds().hashCode() + view.data().testIds().hashCode();
    Encoded cached = encodedByJob.get(job.jobId());
    if (cached != null && cached.normalization().equals(normalization) && cached.selection() == selection) {
      return cached;
    }
    FeatureEncoder encoder = new FeatureEncoder(job.features(), normalization);
    Encoded fresh = new Encoded(normalization, selection, EncodedData.of(view.data().train(), encoder, job.label()),
        EncodedData.of(view.data().test(), encoder, job.label()));
    encodedByJob.put(job.jobId(), fresh);
    return fresh;
  }

  private void decline(Task task, String reason) {
    decline(task, "FAILED_PRECONDITION", reason, 0);
  }

  private void decline(Task task, String code, String reason, double epsilonLeft) {
    LOG.warning(() -> "declining " + task.getTaskId() + ": " + code + " " + reason);
    TaskDeclined d = TaskDeclined.newBuilder().setTaskId(task.getTaskId()).setJobId(task.getJobId())
        .setRound(task.getRound()).setReason(reason).setCode(code).setEpsilonLeft(epsilonLeft).build();
    String jobId = task.getJobId().isEmpty() ? "?" : task.getJobId();
    record(jobId, task.getRound(), "declined", 0, d, call(() -> stub.get().declineTask(d)));
  }

  /** Sends an answer and logs it; returns whether the coordinator accepted it. */
  private boolean send(JobSpec job, Task task, String kind, long samples, MessageLite message, Runnable call) {
    String outcome = call(call);
    record(job.jobId(), task.getRound(), kind, samples, message, outcome);
    return outcome.equals("accepted");
  }

  private static String call(Runnable call) {
    try {
      call.run();
      return "accepted";
    } catch (StatusRuntimeException e) {
      LOG.warning(() -> "the coordinator refused an answer: " + e.getStatus().getCode() + " "
          + e.getStatus().getDescription());
      return "refused: " + e.getStatus().getCode() + " " + e.getStatus().getDescription();
    }
  }

  private void record(String jobId, int round, String kind, long samples, MessageLite message, String outcome) {
    log.record(new ContributionLog.Entry(clock.instant(), jobId, round, kind, samples,
        sha256(message.toByteArray()), outcome));
  }

  static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(sha256Bytes(bytes));
  }

  static byte[] sha256Bytes(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

}
