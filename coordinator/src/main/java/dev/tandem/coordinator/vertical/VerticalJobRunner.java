package dev.tandem.coordinator.vertical;

import dev.tandem.coordinator.jobs.JobEvent;
import dev.tandem.coordinator.jobs.JobEvents;
import dev.tandem.coordinator.jobs.JobState;
import dev.tandem.coordinator.rounds.Phase;
import dev.tandem.coordinator.rounds.Phase.Kind;
import dev.tandem.coordinator.rounds.Rejection;
import dev.tandem.coordinator.rounds.Rejection.Reason;
import dev.tandem.coordinator.sites.ConnectedSites;
import dev.tandem.coordinator.store.ModelRegistry;
import dev.tandem.coordinator.store.ModelRegistry.VerticalVersion;
import dev.tandem.coordinator.store.StoredModel;
import dev.tandem.model.vertical.VerticalJobSpec;
import dev.tandem.proto.VerticalWire;
import dev.tandem.proto.v1.JobEnded;
import dev.tandem.proto.v1.SignedSealKey;
import dev.tandem.proto.v1.Task;
import dev.tandem.proto.v1.VerticalStage;
import dev.tandem.proto.v1.VerticalTask;
import dev.tandem.vertical.Convergence;
import dev.tandem.vertical.sshe.FixedBatches;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs one vertical job (docs/VERTICAL_PROTOCOL.md): setup, private alignment, secret-shared training
 * epoch by epoch (every epoch opened by the parties' consent re-check), the parties' model pieces,
 * evaluation, and the stored version.
 *
 * <p>The coordinator is a relay of sealed envelopes and holds no key: it cannot open what it relays,
 * and nothing it receives decrypts to a party's data. The runner's thread sends each stage's tasks and
 * waits for every addressed party; gRPC threads hand answers in through {@link #submit}, which
 * checks them against the stage open right now. A refused answer changes nothing, and the party may
 * answer again until the stage times out. The job fails, naming the site and the stage, when a
 * party declines, disconnects, or does not answer in time; every party then gets {@code JobEnded}.
 * Thread-safe.
 */
public final class VerticalJobRunner implements Runnable {
  private static final Logger LOG = Logger.getLogger(VerticalJobRunner.class.getName());

  private final VerticalJobSpec spec;
  private final dev.tandem.proto.v1.VerticalJobSpec wireSpec;
  private final ConnectedSites sites;
  private final ModelRegistry registry;
  private final JobEvents events;
  private final Duration stageTimeout;
  private final Duration connectTimeout;
  private final Clock clock;
  private final Mailbox mailbox = new Mailbox();
  private final AtomicReference<String> failure = new AtomicReference<>();
  private volatile Open current;
  /** Set once every party is connected: from then on a party's disconnection fails the job. */
  private volatile boolean engaged;
  private volatile boolean ended;
  /** The aligned rows dropped so far (ascending): the union of every party's, over every epoch. */
  private volatile List<Integer> dropped = List.of();
  /** The agreed intersection size, once aligned. */
  private volatile long aligned = -1;

  /**
   * @param spec a spec with its job id
   * @param stageTimeout how long each stage waits for the parties
   * @param connectTimeout how long the job waits for every party to connect
   */
  public VerticalJobRunner(VerticalJobSpec spec, ConnectedSites sites, ModelRegistry registry, JobEvents events,
      Duration stageTimeout, Duration connectTimeout, Clock clock) {
    if (spec.jobId().isEmpty()) {
      throw new IllegalArgumentException("a running vertical job needs its id");
    }
    this.spec = spec;
    this.wireSpec = VerticalWire.toProto(spec);
    this.sites = sites;
    this.registry = registry;
    this.events = events;
    this.stageTimeout = stageTimeout;
    this.connectTimeout = connectTimeout;
    this.clock = clock;
  }

  public VerticalJobSpec spec() {
    return spec;
  }

  public JobEvents events() {
    return events;
  }

  /** One accepted answer. */
  private record Accepted(VerticalAnswer answer) {}

  /** The stage whose answers the runner waits for. */
  private record Open(String taskId, VerticalStage stage, int round, int step, Phase<Accepted> phase) {
    String describe() {
      return VerticalJobRunner.describe(stage, round, step);
    }
  }

  static String describe(VerticalStage stage, int epoch, int step) {
    return switch (stage) {
      case SSHE_FORWARD, SSHE_GRADIENT -> stage + " (epoch " + epoch + ", step " + step + ")";
      case SSHE_EVAL_ROWS -> stage + " (round " + step + ")";
      case VERTICAL_EPOCH_CONSENT, SSHE_OPEN, SSHE_LOSS_OPERANDS, SSHE_LOSS_PRODUCTS, SSHE_LOSS_SHARES, SSHE_LOSS ->
          stage + " (epoch " + epoch + ")";
      default -> stage.name();
    };
  }

  @Override
  public void run() {
    try {
      List<String> parties = spec.sites();
      Set<String> present = sites.await(parties, parties.size(), connectTimeout);
      if (present.size() < parties.size()) {
        List<String> missing = new ArrayList<>(parties);
        missing.removeAll(present);
        throw new Failed("site(s) " + quoted(missing) + " did not connect within " + connectTimeout.toSeconds()
            + " s; every party of a vertical job must be online");
      }
      engaged = true;
      long intersection = align();
      List<Double> losses = train(intersection);
      int epochs = losses.size();
      String version = StoredModel.versionName(spec.jobId(), epochs);
      store(epochs, version);
      double auc = evaluate(epochs);
      long used = intersection - dropped.size(); // the rows the last epoch and the evaluation used
      JobEvent.RoundCompleted last = new JobEvent.RoundCompleted(epochs, parties, used,
          losses.get(epochs - 1), used, auc, Double.NaN, Double.NaN, version, false, List.of(), intersection);
      registry.saveVersion(new VerticalVersion(version, spec, clock.instant(), last));
      events.publish(last);
      finish(JobState.SUCCEEDED, "", version);
    } catch (Failed e) {
      finish(JobState.FAILED, e.getMessage(), "");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      finish(JobState.FAILED, "the coordinator is shutting down", "");
    } catch (RuntimeException e) {
      LOG.log(Level.SEVERE, "vertical job " + spec.jobId() + " failed", e);
      finish(JobState.FAILED, "internal error: " + e.getMessage(), "");
    }
  }

  /** Stages 1 to 5; returns the size of the intersection every party agreed on. */
  private long align() throws InterruptedException, Failed {
    List<String> parties = spec.sites();
    List<String> hosts = parties.subList(1, parties.size());
    String guest = spec.guest().site();
    Map<String, Accepted> setup = stage(VerticalStage.VERTICAL_SETUP, 0, 0, parties, site -> VerticalTask.newBuilder());
    List<SignedSealKey> peers = new ArrayList<>();
    Map<String, Long> declared = new LinkedHashMap<>();
    for (Map.Entry<String, Accepted> e : setup.entrySet()) {
      if (e.getValue().answer().records() == 0) {
        throw new Failed("site '" + e.getKey() + "' holds no records consented for purpose '" + spec.purpose() + "'");
      }
      peers.add(VerticalMessages.toProto(e.getValue().answer().sealKey()));
      declared.put(e.getKey(), e.getValue().answer().records());
    }
    // every party refuses to re-blind a peer's set larger than the records that peer declared here
    stage(VerticalStage.VERTICAL_ALIGN_BLIND, 0, 0, parties,
        site -> VerticalTask.newBuilder().addAllPeers(peers).putAllDeclaredRecords(declared));
    stage(VerticalStage.VERTICAL_ALIGN_REBLIND, 0, 0, parties, site -> VerticalTask.newBuilder());
    long n = stage(VerticalStage.VERTICAL_ALIGN_INTERSECT, 0, 0, parties, site -> VerticalTask.newBuilder())
        .get(guest).answer().records();
    Map<String, Accepted> confirmed = stage(VerticalStage.VERTICAL_ALIGN_CONFIRM, 0, 0, hosts,
        site -> VerticalTask.newBuilder());
    for (Map.Entry<String, Accepted> e : confirmed.entrySet()) {
      if (e.getValue().answer().records() != n) {
        throw new Failed("the parties disagree on the intersection: guest '" + guest + "' found " + n
            + " subjects, host '" + e.getKey() + "' confirmed " + e.getValue().answer().records());
      }
    }
    if (n < 2 || n > Integer.MAX_VALUE) {
      throw new Failed("the parties have " + n + " consented subjects in common; a vertical job needs 2 to "
          + Integer.MAX_VALUE);
    }
    events.publish(new JobEvent.SiteNotice(0, guest, "intersection " + n));
    aligned = n;
    return n;
  }

  /**
   * SSHE_SETUP, then epoch after epoch until convergence: VERTICAL_EPOCH_CONSENT, SSHE_OPEN with the
   * union of dropped rows, SSHE_FORWARD and SSHE_GRADIENT per step, and the four loss stages, the
   * guest answering the epoch's loss at SSHE_LOSS. Every stage goes to every party; returns each
   * epoch's loss.
   */
  private List<Double> train(long intersection) throws InterruptedException, Failed {
    List<String> parties = spec.sites();
    String guest = spec.guest().site();
    Function<String, VerticalTask.Builder> plain = site -> VerticalTask.newBuilder();
    int steps = new FixedBatches((int) intersection, spec.training().batchSize(), spec.seed()).count();
    stage(VerticalStage.SSHE_SETUP, 0, 0, parties, plain);
    Convergence convergence = new Convergence(spec.training().epochs(), spec.training().tolerance());
    List<Double> losses = new ArrayList<>();
    for (int epoch = 1; !convergence.done(losses); epoch++) {
      List<Integer> rows = epochConsent(epoch);
      stage(VerticalStage.SSHE_OPEN, epoch, 0, parties, site -> VerticalTask.newBuilder().addAllDroppedRows(rows));
      for (int s = 0; s < steps; s++) {
        stage(VerticalStage.SSHE_FORWARD, epoch, s, parties, plain);
        stage(VerticalStage.SSHE_GRADIENT, epoch, s, parties, plain);
      }
      stage(VerticalStage.SSHE_LOSS_OPERANDS, epoch, 0, parties, plain);
      stage(VerticalStage.SSHE_LOSS_PRODUCTS, epoch, 0, parties, plain);
      stage(VerticalStage.SSHE_LOSS_SHARES, epoch, 0, parties, plain);
      double loss = stage(VerticalStage.SSHE_LOSS, epoch, 0, parties, plain).get(guest).answer().loss();
      losses.add(loss);
      long used = intersection - rows.size();
      events.publish(new JobEvent.RoundCompleted(epoch, parties, used, loss, 0, Double.NaN, Double.NaN,
          Double.NaN, "", false, List.of(), intersection));
    }
    return losses;
  }

  /**
   * VERTICAL_EPOCH_CONSENT: every party re-reads consent and names the aligned rows it dropped; the
   * union (with every earlier epoch's) goes with the epoch's SSHE_OPEN.
   */
  private List<Integer> epochConsent(int epoch) throws InterruptedException, Failed {
    Map<String, Accepted> answers = stage(VerticalStage.VERTICAL_EPOCH_CONSENT, epoch, 0, spec.sites(),
        site -> VerticalTask.newBuilder());
    TreeSet<Integer> union = new TreeSet<>(dropped);
    for (Map.Entry<String, Accepted> e : answers.entrySet()) {
      List<Integer> own = e.getValue().answer().droppedRows();
      long added = own.stream().filter(r -> !union.contains(r)).count();
      union.addAll(own);
      if (added > 0) {
        events.publish(new JobEvent.SiteNotice(epoch, e.getKey(), "epoch " + epoch + ": " + added
            + " aligned subject(s) left, their consent withdrawn"));
      }
    }
    dropped = List.copyOf(union);
    return dropped;
  }

  /** SSHE_REVEAL opens each party's weights to it; at SSHE_STORE every party stores its model piece. */
  private void store(int epoch, String version) throws InterruptedException, Failed {
    List<String> parties = spec.sites();
    stage(VerticalStage.SSHE_REVEAL, epoch, 0, parties, site -> VerticalTask.newBuilder());
    stage(VerticalStage.SSHE_STORE, epoch, 0, parties, site -> VerticalTask.newBuilder().setModelVersion(version));
  }

  /**
   * The evaluation over the last epoch's rows: SSHE_EVAL_ROWS once per host (round 1 to k, in the
   * task's step), SSHE_EVAL_HISTOGRAM, SSHE_EVAL_OPERANDS, SSHE_EVAL_PRODUCT, SSHE_EVAL_SHARE, and
   * SSHE_EVAL_AUC, where the guest answers the training AUC; no party's per-row score leaves it.
   */
  private double evaluate(int epoch) throws InterruptedException, Failed {
    List<String> parties = spec.sites();
    Function<String, VerticalTask.Builder> plain = site -> VerticalTask.newBuilder();
    for (int round = 1; round < parties.size(); round++) {
      stage(VerticalStage.SSHE_EVAL_ROWS, epoch, round, parties, plain);
    }
    stage(VerticalStage.SSHE_EVAL_HISTOGRAM, epoch, 0, parties, plain);
    stage(VerticalStage.SSHE_EVAL_OPERANDS, epoch, 0, parties, plain);
    stage(VerticalStage.SSHE_EVAL_PRODUCT, epoch, 0, parties, plain);
    stage(VerticalStage.SSHE_EVAL_SHARE, epoch, 0, parties, plain);
    return stage(VerticalStage.SSHE_EVAL_AUC, epoch, 0, parties, plain).get(spec.guest().site()).answer().auc();
  }

  private Map<String, Accepted> stage(VerticalStage stage, int round, int step, List<String> to,
      Function<String, VerticalTask.Builder> taskFor) throws InterruptedException, Failed {
    return open(stage, round, step, taskId(stage, round, step), to, taskFor);
  }

  private String taskId(VerticalStage stage, int round, int step) {
    String name = stage.name().replaceFirst("^VERTICAL_", "").toLowerCase(Locale.ROOT);
    return spec.jobId() + "/" + name + "/" + round + "/" + step;
  }

  /**
   * Sends a stage's task to {@code to}, each with the envelopes waiting for it, and waits for all
   * of them; posts their outboxes for the next stage.
   *
   * @return the answers in the spec's party order
   * @throws Failed naming the site and stage if a party declined, disconnected or did not answer
   */
  private Map<String, Accepted> open(VerticalStage stage, int round, int step, String taskId,
      List<String> to, Function<String, VerticalTask.Builder> taskFor) throws InterruptedException, Failed {
    Open open = new Open(taskId, stage, round, step, new Phase<>(Kind.VERTICAL, round, new TreeSet<>(to)));
    current = open;
    checkFailure();
    for (String site : to) {
      VerticalTask.Builder t = taskFor.apply(site).setStage(stage).setEpoch(round).setStep(step);
      mailbox.take(site).forEach(e -> t.addInbox(VerticalMessages.toProto(e)));
      Task task = Task.newBuilder().setTaskId(taskId).setJobId(spec.jobId()).setRound(round)
          .setVerticalJob(wireSpec).setVertical(t).build();
      if (!sites.send(site, task)) {
        fail(site, "site '" + site + "' is not connected for " + open.describe());
      }
    }
    Map<String, Accepted> answers = open.phase().await(stageTimeout);
    checkFailure();
    for (String site : to) {
      String why = open.phase().excluded().get(site);
      if (why != null) {
        throw new Failed("site '" + site + "' did not complete " + open.describe() + ": " + why);
      }
    }
    Map<String, Accepted> ordered = new LinkedHashMap<>();
    for (String site : spec.sites()) {
      Accepted a = answers.get(site);
      if (a != null) {
        ordered.put(site, a);
        mailbox.post(site, a.answer().outbox());
      }
    }
    return ordered;
  }

  /**
   * A party's answer to the open stage.
   *
   * @throws Rejection with {@link Reason#NOT_PARTICIPANT} if the site is not a party or not addressed,
   *     {@link Reason#WRONG_ROUND} if the answer is not for the open task or comes twice, and
   *     {@link Reason#MALFORMED} if its content breaks the protocol; a refused answer changes nothing
   */
  public void submit(String site, VerticalAnswer answer) throws Rejection {
    requireParty(site);
    Open open = current;
    if (open == null || ended) {
      throw new Rejection(Reason.WRONG_ROUND, "vertical job " + spec.jobId() + " is not waiting for an answer now");
    }
    if (!open.taskId().equals(answer.taskId()) || open.stage() != answer.stage() || open.round() != answer.round()) {
      throw new Rejection(Reason.WRONG_ROUND, "vertical job " + spec.jobId() + " is waiting for task '"
          + open.taskId() + "' (" + open.describe() + ", round " + open.round() + "); this answer is for task '"
          + answer.taskId() + "' (" + answer.stage() + ", round " + answer.round() + ")");
    }
    open.phase().checkOpen(site, Kind.VERTICAL, open.round());
    try {
      checkContent(open, site, answer);
    } catch (Rejection r) {
      events.publish(new JobEvent.SiteNotice(open.round(), site, "answer to " + open.describe() + " refused: "
          + r.getMessage()));
      throw r;
    }
    open.phase().accept(site, Kind.VERTICAL, open.round(), new Accepted(answer));
  }

  private void checkContent(Open open, String site, VerticalAnswer a) throws Rejection {
    Mailbox.check(spec, open.stage(), site, a.outbox());
    if (!a.scoreMasks().isEmpty()) {
      throw new Rejection(Reason.MALFORMED, open.stage() + " takes no score_masks; they answer VERTICAL_SCORE only");
    }
    if (open.stage() != VerticalStage.VERTICAL_EPOCH_CONSENT && !a.droppedRows().isEmpty()) {
      throw new Rejection(Reason.MALFORMED, open.stage() + " takes no dropped_rows; they answer VERTICAL_EPOCH_CONSENT");
    }
    switch (open.stage()) {
      case VERTICAL_SETUP -> {
        if (a.sealKey() == null) {
          throw new Rejection(Reason.MALFORMED, "the answer to VERTICAL_SETUP must carry the party's seal_key");
        }
        if (!a.sealKey().site().equals(site)) {
          throw new Rejection(Reason.MALFORMED, "seal_key names site '" + a.sealKey().site()
              + "' but the caller's certificate is of site '" + site + "'");
        }
      }
      case SSHE_LOSS -> {
        if (!Double.isFinite(a.loss())) {
          throw new Rejection(Reason.MALFORMED, "the epoch loss must be a finite number, got " + a.loss());
        }
      }
      case SSHE_EVAL_AUC -> {
        if (spec.isGuest(site) && !(a.auc() >= 0 && a.auc() <= 1)) {
          throw new Rejection(Reason.MALFORMED, "the training AUC must be in [0, 1], got " + a.auc());
        }
      }
      case VERTICAL_EPOCH_CONSENT -> {
        try {
          VerticalWire.rowIndices(a.droppedRows(), aligned);
        } catch (IllegalArgumentException e) {
          throw new Rejection(Reason.MALFORMED, e.getMessage());
        }
      }
      default -> {
        // the outbox, checked above, is all these stages carry
      }
    }
  }

  /**
   * A party will not go on: the job fails with its reason.
   *
   * @throws Rejection with {@link Reason#NOT_PARTICIPANT} if the site is not a party, or
   *     {@link Reason#WRONG_ROUND} if the job has ended
   */
  public void decline(String site, String reason) throws Rejection {
    requireParty(site);
    if (ended) {
      throw new Rejection(Reason.WRONG_ROUND, "vertical job " + spec.jobId() + " has ended");
    }
    Open open = current;
    fail(site, "site '" + site + "' declined " + (open == null ? "the job" : open.describe()) + ": " + reason);
  }

  /** Called by the transport when a site's task stream ends: a party leaving fails the job. */
  public void siteDisconnected(String site) {
    if (engaged && !ended && spec.sites().contains(site)) {
      Open open = current;
      fail(site, "site '" + site + "' disconnected" + (open == null ? "" : " during " + open.describe()));
    }
  }

  /** Records the first failure and stops waiting for the open stage. */
  private void fail(String site, String reason) {
    if (!failure.compareAndSet(null, reason)) {
      return;
    }
    Open open = current;
    events.publish(new JobEvent.SiteNotice(open == null ? 0 : open.round(), site, reason));
    if (open != null) {
      for (String party : spec.sites()) {
        open.phase().exclude(party, "the job is failing");
      }
    }
  }

  private void checkFailure() throws Failed {
    String why = failure.get();
    if (why != null) {
      throw new Failed(why);
    }
  }

  private void requireParty(String site) throws Rejection {
    if (!spec.sites().contains(site)) {
      throw new Rejection(Reason.NOT_PARTICIPANT, "site '" + site + "' is not a party of vertical job "
          + spec.jobId());
    }
  }

  private void finish(JobState state, String reason, String version) {
    ended = true;
    current = null;
    registry.jobEnded(spec.jobId(), state, reason, clock.instant());
    Task end = Task.newBuilder().setTaskId(spec.jobId() + "/end").setJobId(spec.jobId()).setVerticalJob(wireSpec)
        .setEnded(JobEnded.newBuilder().setState(state.name()).setReason(reason)).build();
    spec.sites().forEach(site -> sites.send(site, end));
    events.publish(new JobEvent.Finished(state, reason, version));
  }

  private static String quoted(List<String> sites) {
    return "'" + String.join("', '", sites) + "'";
  }

  /** The job cannot go on; the message says why, naming the site and stage. */
  private static final class Failed extends Exception {
    Failed(String message) {
      super(message, null, false, false);
    }
  }
}
