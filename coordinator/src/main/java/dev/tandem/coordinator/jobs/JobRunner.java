package dev.tandem.coordinator.jobs;

import dev.tandem.coordinator.rounds.AnswerChecks;
import dev.tandem.coordinator.rounds.Answers;
import dev.tandem.coordinator.rounds.FedAvg;
import dev.tandem.coordinator.rounds.Phase;
import dev.tandem.coordinator.rounds.Phase.Kind;
import dev.tandem.coordinator.rounds.Rejection;
import dev.tandem.coordinator.rounds.Rejection.Reason;
import dev.tandem.coordinator.sites.ConnectedSites;
import dev.tandem.coordinator.store.ModelRegistry;
import dev.tandem.coordinator.store.StoredModel;
import dev.tandem.model.FeatureEncoder;
import dev.tandem.model.JobSpec;
import dev.tandem.model.ModelArchitecture;
import dev.tandem.model.aggregate.MetricsVector;
import dev.tandem.model.aggregate.MomentsVector;
import dev.tandem.model.Normalization;
import dev.tandem.model.metrics.ScoreHistogram;
import dev.tandem.proto.Wire;
import dev.tandem.proto.v1.EvaluateTask;
import dev.tandem.proto.v1.JobEnded;
import dev.tandem.proto.v1.StatsTask;
import dev.tandem.proto.v1.Task;
import dev.tandem.proto.v1.TrainTask;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.security.cert.X509Certificate;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs one horizontal job: feature statistics, then per round train, FedAvg, evaluate, store.
 *
 * <p>The runner's thread drives the phases; gRPC threads hand answers in through the
 * {@code submit...} methods, which check them against the phase open right now. A round goes on
 * with the sites that answered when the others disconnect, decline, send a malformed answer or
 * time out, as long as at least the job's minimum remain.
 */
public final class JobRunner implements Runnable {
  private static final Logger LOG = Logger.getLogger(JobRunner.class.getName());

  private final JobSpec spec;
  private final ConnectedSites sites;
  private final ModelRegistry registry;
  private final JobEvents events;
  private final Duration roundTimeout;
  private final Duration connectTimeout;
  private final Clock clock;
  private final int numericFeatures;
  private final ModelArchitecture architecture;
  private volatile Phase<?> current;
  private volatile SecureRound secureRound;
  /** The phase machinery a secure round runs its stages with; a proven cheat becomes a site notice. */
  private final SecureRound.Stages secureStages = new SecureRound.Stages() {
    @Override
    public Map<String, Answers.SecAgg> collect(Kind kind, int round, Set<String> expected,
        Function<String, Task.Builder> taskFor) throws InterruptedException {
      return JobRunner.this.collect(kind, round, expected, taskFor);
    }

    @Override
    public void cheated(int round, String site, String what) {
      provenCheats.add(site);
      LOG.warning("job " + spec.jobId() + " round " + round + ": site " + site + " " + what);
      events.publish(new JobEvent.SiteNotice(round, site, what));
    }
  };
  /**
   * Sites proven (by signed evidence) to have cheated in a secure aggregation of this job: they take part
   * in no later phase of it.
   */
  private final Set<String> provenCheats = java.util.concurrent.ConcurrentHashMap.newKeySet();
  /** Why sites sat out the last phase, for the job's failure reason. */
  private volatile Map<String, String> lastExcluded = Map.of();

  /**
   * @throws IllegalArgumentException when the job asks for DP and declares no range for a numeric feature
   */
  JobRunner(JobSpec spec, ConnectedSites sites, ModelRegistry registry, JobEvents events,
      Duration roundTimeout, Duration connectTimeout, Clock clock) {
    this.spec = spec;
    this.sites = sites;
    this.registry = registry;
    this.events = events;
    this.roundTimeout = roundTimeout;
    this.connectTimeout = connectTimeout;
    this.clock = clock;
    this.numericFeatures = spec.numericFeatures().size();
    int dimension = new FeatureEncoder(spec.features(), Normalization.identity(numericFeatures)).dimension();
    this.architecture = ModelArchitecture.of(spec.model(), dimension);
    MomentsVector.scales(spec); // a DP job must declare every numeric feature's range: refused at submission
  }

  public JobSpec spec() {
    return spec;
  }

  public JobEvents events() {
    return events;
  }

  /** The number of parameters every update of this job must have. */
  public int parameterCount() {
    return architecture.parameterCount();
  }

  @Override
  public void run() {
    String lastVersion = "";
    try {
      Set<String> present = sites.await(spec.sites(), spec.minSites(), connectTimeout);
      requireQuorum(present.size(), "sites connected within " + connectTimeout.toSeconds() + " s");
      Normalization normalization = spec.privacy().secureAggregation()
          ? secureNormalization()
          : normalization(collect(Kind.STATS, 0, connectedParticipants(),
              site -> Task.newBuilder().setStats(StatsTask.getDefaultInstance())));
      double[] parameters = architecture.initialParameters(spec.seed());
      for (int round = 1; round <= spec.rounds(); round++) {
        RoundAggregate aggregate = spec.privacy().secureAggregation()
            ? secureTrain(round, normalization, parameters)
            : plainTrain(round, normalization, parameters);
        parameters = aggregate.parameters();
        String version = StoredModel.versionName(spec.jobId(), round);
        JobEvent.RoundCompleted completed = roundMetrics(round, aggregate, evaluate(round, normalization,
            parameters), version);
        registry.saveVersion(new StoredModel(version, spec, round, clock.instant(), normalization, parameters,
            completed));
        lastVersion = version;
        events.publish(completed);
      }
      finish(JobState.SUCCEEDED, "", lastVersion);
    } catch (QuorumLost e) {
      finish(JobState.FAILED, e.getMessage(), lastVersion);
    } catch (SecureRound.RoundAborted e) {
      StringBuilder why = new StringBuilder(e.getMessage());
      new TreeMap<>(lastExcluded).forEach((site, reason) -> why.append("; ").append(site).append(": ").append(reason));
      finish(JobState.FAILED, why.toString(), lastVersion);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      finish(JobState.FAILED, "the coordinator is shutting down", lastVersion);
    } catch (RuntimeException e) {
      LOG.log(Level.SEVERE, "job " + spec.jobId() + " failed", e);
      finish(JobState.FAILED, "internal error: " + e.getMessage(), lastVersion);
    }
  }

  /** Called by the transport when a site's stream ends. */
  void siteDisconnected(String site) {
    Phase<?> p = current;
    if (p != null && p.exclude(site, "disconnected")) {
      events.publish(new JobEvent.SiteNotice(p.round(), site, "disconnected during " + p.kind()));
    }
  }

  public void submitStats(String site, int round, Answers.Stats answer) throws Rejection {
    requirePlain("feature statistics");
    Phase<Answers.Stats> p = open(site, Kind.STATS, round);
    checkContent(p, site, () -> AnswerChecks.check(answer, numericFeatures));
    p.accept(site, Kind.STATS, round, answer);
  }

  public void submitUpdate(String site, int round, Answers.Update answer) throws Rejection {
    if (spec.privacy().secureAggregation()) {
      throw new Rejection(Reason.WRONG_ROUND, "job " + spec.jobId()
          + " uses secure aggregation: send the round's secure aggregation messages, not a plain update");
    }
    Phase<Answers.Update> p = open(site, Kind.TRAIN, round);
    checkContent(p, site, () -> AnswerChecks.check(answer, architecture.parameterCount()));
    p.accept(site, Kind.TRAIN, round, answer);
  }

  public void submitEvaluation(String site, int round, Answers.Evaluation answer) throws Rejection {
    requirePlain("evaluation metrics");
    Phase<Answers.Evaluation> p = open(site, Kind.EVALUATE, round);
    checkContent(p, site, () -> AnswerChecks.check(answer));
    p.accept(site, Kind.EVALUATE, round, answer);
  }

  /**
   * A site's message in a stage of a secure round: handed to the secure aggregation state machine. A
   * key advertisement comes as {@code TRAIN} from the transport and belongs to whichever phase opened the
   * round (statistics, training or evaluation).
   */
  public void submitSecAgg(String site, int round, Kind kind, Answers.SecAgg answer) throws Rejection {
    Phase<?> now = current;
    if (kind == Kind.TRAIN && now != null && SecureRound.opens(now.kind())) {
      kind = now.kind();
    }
    Kind stage = kind;
    Phase<Answers.SecAgg> p = open(site, stage, round);
    SecureRound secure = secureRound;
    if (secure == null) {
      throw new Rejection(Reason.WRONG_ROUND, "job " + spec.jobId() + " is not in a secure aggregation round");
    }
    checkContent(p, site, () -> secure.accept(stage, site, answer));
    p.accept(site, stage, round, answer);
  }

  /** A site says it will not do the task of this round; the phase stops waiting for it. */
  public void decline(String site, int round, String reason) throws Rejection {
    requireParticipant(site);
    Phase<?> p = current;
    if (p == null || p.round() != round) {
      throw new Rejection(Reason.WRONG_ROUND, "job " + spec.jobId() + " has no open task for round " + round);
    }
    if (p.exclude(site, "declined: " + reason)) {
      events.publish(new JobEvent.SiteNotice(round, site, "declined " + p.kind() + ": " + reason));
    }
  }

  private void requirePlain(String what) throws Rejection {
    if (spec.privacy().secureAggregation()) {
      throw new Rejection(Reason.WRONG_ROUND, "job " + spec.jobId() + " uses secure aggregation: " + what
          + " go as a masked input of the phase's secure aggregation, never in the clear");
    }
  }

  private interface Check {
    void run() throws Rejection;
  }

  private void checkContent(Phase<?> p, String site, Check check) throws Rejection {
    try {
      check.run();
    } catch (Rejection r) {
      if (p.exclude(site, "refused: " + r.getMessage())) {
        events.publish(new JobEvent.SiteNotice(p.round(), site, "answer refused: " + r.getMessage()));
      }
      throw r;
    }
  }

  @SuppressWarnings("unchecked")
  private <T> Phase<T> open(String site, Kind kind, int round) throws Rejection {
    requireParticipant(site);
    Phase<?> p = current;
    if (p == null) {
      throw new Rejection(Reason.WRONG_ROUND, "job " + spec.jobId() + " is not collecting answers right now");
    }
    p.checkOpen(site, kind, round);
    return (Phase<T>) p;
  }

  private void requireParticipant(String site) throws Rejection {
    if (!spec.sites().contains(site)) {
      throw new Rejection(Reason.NOT_PARTICIPANT, "site '" + site + "' is not a participant of job " + spec.jobId());
    }
  }

  private RoundAggregate plainTrain(int round, Normalization normalization, double[] global)
      throws InterruptedException, QuorumLost {
    Task.Builder train = Task.newBuilder().setTrain(TrainTask.newBuilder()
        .setNormalization(Wire.toProto(normalization)).setGlobal(Wire.parameters(global)));
    Map<String, Answers.Update> updates = collect(Kind.TRAIN, round, connectedParticipants(), site -> train.clone());
    requireQuorum(updates.size(), "updates in round " + round);
    List<FedAvg.Contribution> contributions = new ArrayList<>();
    List<JobEvent.SitePrivacy> privacy = new ArrayList<>();
    double lossSum = 0;
    long samples = 0;
    for (Map.Entry<String, Answers.Update> e : updates.entrySet()) {
      Answers.Update u = e.getValue();
      contributions.add(new FedAvg.Contribution(u.parameters(), u.samples()));
      privacy.add(new JobEvent.SitePrivacy(e.getKey(), u.privacy().epsilon(), u.privacy().delta()));
      lossSum += u.trainLoss() * u.samples();
      samples += u.samples();
    }
    return new RoundAggregate(FedAvg.aggregate(contributions), samples, lossSum / samples,
        List.copyOf(new TreeSet<>(updates.keySet())), privacy);
  }

  private RoundAggregate secureTrain(int round, Normalization normalization, double[] global)
      throws InterruptedException, QuorumLost, SecureRound.RoundAborted {
    return withoutCheats(round, "round " + round, attempt -> {
      Map<String, X509Certificate> participants = secureParticipants("round " + round);
      SecureRound secure = SecureRound.start(spec.jobId() + "/r" + round + attempt, participants, spec.minSites(),
          architecture.parameterCount());
      Task.Builder train = Task.newBuilder().setTrain(TrainTask.newBuilder()
          .setNormalization(Wire.toProto(normalization)).setGlobal(Wire.parameters(global))
          .setSecagg(secure.params()));
      secureRound = secure;
      try {
        return secure.run(round, secureStages, site -> train.clone());
      } finally {
        secureRound = null;
      }
    });
  }

  /** The sites connected now with their certificates: the participants of a secure aggregation. */
  private Map<String, X509Certificate> secureParticipants(String what) throws QuorumLost {
    Map<String, X509Certificate> participants = new TreeMap<>();
    for (String site : connectedParticipants()) {
      sites.certificate(site).ifPresent(c -> participants.put(site, c));
    }
    requireQuorum(participants.size(), "sites connected at the start of " + what);
    return participants;
  }

  /** The statistics phase under secure aggregation: the normalization from the sum of the moments vectors. */
  private Normalization secureNormalization() throws InterruptedException, QuorumLost, SecureRound.RoundAborted {
    SecureRound.Summed summed = withoutCheats(0, "the statistics phase", attempt -> {
      Map<String, X509Certificate> participants = secureParticipants("the statistics phase");
      SecureRound secure = SecureRound.start(spec.jobId() + "/stats" + attempt, participants, spec.minSites(),
          MomentsVector.length(numericFeatures), MomentsVector.clip(participants.size()),
          MomentsVector.FRACTIONAL_BITS);
      Task.Builder stats = Task.newBuilder().setStats(StatsTask.newBuilder().setSecagg(secure.params()));
      secureRound = secure;
      try {
        return secure.sum(0, secureStages, Kind.STATS, site -> stats.clone());
      } finally {
        secureRound = null;
      }
    });
    return MomentsVector.normalization(summed.sum(), spec);
  }

  /**
   * The round's held-out metrics: in the clear, or under secure aggregation as one sum over the sites.
   * Under differential privacy every evaluation is a charged release, so only the last round's model is
   * evaluated (the others complete with no held-out metrics).
   */
  private Evaluated evaluate(int round, Normalization normalization, double[] model)
      throws InterruptedException, QuorumLost, SecureRound.RoundAborted {
    boolean dp = spec.privacy().dp() != null;
    if (dp && round < spec.rounds()) {
      return Evaluated.NONE;
    }
    EvaluateTask.Builder task = EvaluateTask.newBuilder().setNormalization(Wire.toProto(normalization))
        .setModel(Wire.parameters(model));
    if (!spec.privacy().secureAggregation()) {
      Map<String, Answers.Evaluation> evaluations = collect(Kind.EVALUATE, round, connectedParticipants(),
          site -> Task.newBuilder().setEvaluate(task.clone()));
      long n = 0;
      long correct = 0;
      double logLoss = 0;
      ScoreHistogram merged = null;
      for (Answers.Evaluation e : evaluations.values()) {
        n += e.samples();
        correct += e.correct();
        logLoss += e.logLossSum();
        ScoreHistogram h = ScoreHistogram.of(e.positiveHistogram(), e.negativeHistogram());
        merged = merged == null ? h : merged.merge(h);
      }
      return new Evaluated(n, correct, logLoss, merged, List.of());
    }
    int bins = dp ? MetricsVector.DP_BINS : ScoreHistogram.DEFAULT_BINS;
    double lossScale = dp ? MetricsVector.DP_LOSS_CLIP : 1;
    SecureRound.Summed summed = withoutCheats(round, "the evaluation of round " + round, attempt -> {
      SecureRound secure = SecureRound.start(spec.jobId() + "/e" + round + attempt,
          secureParticipants("the evaluation of round " + round), spec.minSites(), MetricsVector.length(bins),
          SecureRound.CLIP, SecureRound.FRACTIONAL_BITS);
      EvaluateTask.Builder evaluate = task.clone().setSecagg(secure.params()).setBins(bins);
      secureRound = secure;
      try {
        return secure.sum(round, secureStages, Kind.EVALUATE, site -> Task.newBuilder().setEvaluate(evaluate.clone()));
      } finally {
        secureRound = null;
      }
    });
    MetricsVector.Metrics m = MetricsVector.decode(summed.sum(), bins, lossScale);
    return new Evaluated(m.samples(), m.correct(), m.logLossSum(), m.histogram(), summed.privacy());
  }

  /** Held-out metrics summed over the sites; {@link #NONE} when the round was not evaluated. */
  private record Evaluated(long samples, long correct, double logLossSum, ScoreHistogram histogram,
      List<JobEvent.SitePrivacy> privacy) {
    static final Evaluated NONE = new Evaluated(0, 0, 0, null, List.of());
  }

  private Set<String> connectedParticipants() {
    Set<String> expected = new TreeSet<>(spec.sites());
    expected.retainAll(sites.connected());
    expected.removeAll(provenCheats);
    return expected;
  }

  /** How many times one secure phase runs at most: again after each attempt a newly proven cheat aborted. */
  static final int MAX_SECURE_ATTEMPTS = 3;

  /** One secure aggregation phase, run with a round id suffix that is fresh for each attempt. */
  @FunctionalInterface
  private interface SecurePhase<T> {
    T run(String attemptSuffix) throws InterruptedException, QuorumLost, SecureRound.RoundAborted;
  }

  /**
   * Runs {@code phase}; when it aborts and the abort proved a site to have cheated (signed evidence the
   * coordinator cannot make up), runs it again, with fresh keys and a fresh round id, without the sites
   * proven to cheat: one dishonest site cannot fail the job while t honest sites remain. An abort that
   * proved no new cheat (too few sites left) ends the job as before.
   */
  private <T> T withoutCheats(int round, String what, SecurePhase<T> phase)
      throws InterruptedException, QuorumLost, SecureRound.RoundAborted {
    SecureRound.RoundAborted previous = null;
    for (int attempt = 1; ; attempt++) {
      int known = provenCheats.size();
      try {
        return phase.run(attempt == 1 ? "" : "/attempt" + attempt);
      } catch (QuorumLost e) {
        if (previous == null) {
          throw e;
        }
        // too few honest sites left to run it again: the job ends with the abort that proved the cheat
        throw new SecureRound.RoundAborted(previous.getMessage() + "; it cannot run again without the sites"
            + " proven to cheat: " + e.getMessage());
      } catch (SecureRound.RoundAborted e) {
        if (provenCheats.size() == known || attempt >= MAX_SECURE_ATTEMPTS) {
          throw e;
        }
        previous = e;
        String notice = what + " runs again without the sites proven to cheat " + new TreeSet<>(provenCheats)
            + " (attempt " + (attempt + 1) + " of at most " + MAX_SECURE_ATTEMPTS + "; the aborted attempt"
            + " produced no sum): " + e.getMessage();
        LOG.warning("job " + spec.jobId() + ": " + notice);
        for (String cheat : new TreeSet<>(provenCheats)) {
          events.publish(new JobEvent.SiteNotice(round, cheat, "left out of the rest of the job; " + notice));
        }
      }
    }
  }

  private <T> Map<String, T> collect(Kind kind, int round, Set<String> expected,
      Function<String, Task.Builder> taskFor) throws InterruptedException {
    Phase<T> phase = new Phase<>(kind, round, expected);
    current = phase;
    String taskId = spec.jobId() + "/" + kind.name().toLowerCase() + "/" + round;
    dev.tandem.proto.v1.JobSpec job = Wire.toProto(spec);
    for (String site : expected) {
      Task task = taskFor.apply(site).setTaskId(taskId).setJobId(spec.jobId()).setRound(round).setJob(job).build();
      if (!sites.send(site, task)) {
        phase.exclude(site, "not connected");
      }
    }
    Map<String, T> answers = phase.await(roundTimeout);
    lastExcluded = phase.excluded();
    phase.excluded().forEach((site, why) -> LOG.info(() -> spec.jobId() + " " + kind + " round " + round
        + ": without site '" + site + "' (" + why + ")"));
    return answers;
  }

  private Normalization normalization(Map<String, Answers.Stats> stats) throws QuorumLost {
    requireQuorum(stats.size(), "feature statistics");
    long[] counts = new long[numericFeatures];
    double[] sums = new double[numericFeatures];
    double[] squares = new double[numericFeatures];
    for (Answers.Stats s : stats.values()) {
      for (int i = 0; i < numericFeatures; i++) {
        counts[i] += s.counts()[i];
        sums[i] += s.sums()[i];
        squares[i] += s.sumSquares()[i];
      }
    }
    return Normalization.fromMoments(counts, sums, squares);
  }

  private JobEvent.RoundCompleted roundMetrics(int round, RoundAggregate aggregate, Evaluated evaluated,
      String version) {
    long n = evaluated.samples();
    long correct = Math.min(n, evaluated.correct());
    double logLoss = evaluated.logLossSum();
    ScoreHistogram merged = evaluated.histogram();
    double auc = merged == null || n == 0 ? Double.NaN : merged.auc();
    // under DP an evaluation is charged too: a contributor's spend as it reported with its evaluation
    Map<String, JobEvent.SitePrivacy> privacy = new TreeMap<>();
    aggregate.privacy().forEach(p -> privacy.put(p.site(), p));
    for (JobEvent.SitePrivacy p : evaluated.privacy()) {
      JobEvent.SitePrivacy trained = privacy.get(p.site());
      if (trained != null && p.epsilon() > trained.epsilon()) {
        privacy.put(p.site(), p);
      }
    }
    return new JobEvent.RoundCompleted(round, aggregate.contributors(), aggregate.samples(), aggregate.trainLoss(),
        n, auc, n == 0 ? Double.NaN : logLoss / n, n == 0 ? Double.NaN : (double) correct / n, version,
        spec.privacy().secureAggregation(), List.copyOf(privacy.values()));
  }

  private void requireQuorum(int count, String what) throws QuorumLost {
    if (count < spec.minSites()) {
      StringBuilder why = new StringBuilder("only " + count + " " + what + "; the job needs at least "
          + spec.minSites() + " sites (" + String.join(", ", spec.sites()) + ")");
      new java.util.TreeMap<>(lastExcluded).forEach((site, reason) -> why.append("; ").append(site).append(": ")
          .append(reason));
      throw new QuorumLost(why.toString());
    }
  }

  private void finish(JobState state, String reason, String lastVersion) {
    current = null;
    registry.jobEnded(spec.jobId(), state, reason, clock.instant());
    Task ended = Task.newBuilder().setTaskId(spec.jobId() + "/end").setJobId(spec.jobId())
        .setJob(Wire.toProto(spec))
        .setEnded(JobEnded.newBuilder().setState(state.name()).setReason(reason)).build();
    for (String site : spec.sites()) {
      sites.send(site, ended);
    }
    events.publish(new JobEvent.Finished(state, reason, lastVersion));
  }

  private static final class QuorumLost extends Exception {
    QuorumLost(String message) {
      super(message, null, false, false);
    }
  }
}
