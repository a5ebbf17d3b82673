package dev.tandem.node.agent;

import dev.tandem.node.vertical.scoring.ScoreResponder;
import dev.tandem.node.vertical.scoring.ScoringContext;
import dev.tandem.node.vertical.scoring.SubjectScorer;
import dev.tandem.node.vertical.scoring.VerticalScorer;

import dev.tandem.certs.CrlSource;
import dev.tandem.certs.StartCheck;
import dev.tandem.certs.FederationTrust;
import dev.tandem.certs.Pem;
import dev.tandem.certs.Role;
import dev.tandem.crypto.secagg.EcdsaKeyAdvertisementSigner;
import dev.tandem.node.config.NodeConfig;
import dev.tandem.node.secagg.SecureRounds;
import dev.tandem.node.vertical.SealKeys;
import javax.net.ssl.X509ExtendedTrustManager;
import dev.tandem.node.privacy.PrivacyLedger;
import dev.tandem.node.consent.ConsentRegistry;
import dev.tandem.node.store.NodeStores;
import dev.tandem.node.admin.AdminServer;
import dev.tandem.node.admin.NodeStatus;
import io.grpc.ConnectivityState;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import dev.tandem.node.data.DataSnapshots;
import dev.tandem.node.data.LocalData;
import dev.tandem.node.store.ContributionLog;
import dev.tandem.node.transport.MtlsChannels;
import dev.tandem.proto.v1.FederationGrpc;
import dev.tandem.proto.v1.SubscribeRequest;
import dev.tandem.proto.v1.Task;
import io.grpc.Channel;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import dev.tandem.node.audit.HeadCountersigner;
import dev.tandem.node.privacy.DpReleases;
import dev.tandem.node.privacy.DpTraining;
import dev.tandem.node.training.LocalTrainer;
import dev.tandem.node.training.LocalTraining;
import dev.tandem.node.vertical.VerticalParticipant;
import dev.tandem.proto.v1.FederationGrpc.FederationBlockingStub;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The site agent: dials out to the coordinator over mutual TLS, takes tasks from its task stream
 * and answers them from the local data. Opens no port.
 *
 * <p>Reconnects with exponential backoff (0.5 s doubling to 15 s) while the coordinator is
 * unreachable. Tasks run one at a time on a worker thread, never on a gRPC thread.
 */
public final class NodeAgent implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(NodeAgent.class.getName());
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(15);

  private final NodeConfig config;
  private final ManagedChannel channel;
  private final Channel intercepted;
  private final ContributionLog log;
  private final PrivacyLedger ledger;
  private final NodeStores stores;
  private volatile AdminServer admin;
  private final ConsentGate gate;
  private final TaskRouter router;
  private final SubjectScorer scorer;
  private final ExecutorService worker = Executors.newSingleThreadExecutor(daemon("tandem-node-worker"));
  private final ScheduledExecutorService reconnects =
      Executors.newSingleThreadScheduledExecutor(daemon("tandem-node-reconnect"));
  private final CountDownLatch closed = new CountDownLatch(1);
  private volatile Duration backoff = Duration.ofMillis(500);
  private volatile boolean running = true;

  private NodeAgent(NodeConfig config, DataSnapshots data, List<ClientInterceptor> interceptors, Clock clock) {
    this.config = config;
    this.channel = MtlsChannels.toCoordinator(config.coordinator(), config.tls().cert(), config.tls().privateKey(),
        config.tls().ca(), config.tls().crl(), config.maxMessageBytes());
    this.intercepted = ClientInterceptors.intercept(channel, interceptors);
    this.log = ContributionLog.open(config.databaseUrl());
    this.ledger = PrivacyLedger.open(config.databaseUrl());
    this.stores = NodeStores.open(config, clock);
    SecureRandom random = new SecureRandom();
    Keys keys = Keys.load(config, random);
    ScoringContext scoring = new ScoringContext(config.site(), data, stores, keys.seal(), config.consent(),
        new CoordinatorCountersigner(() -> FederationGrpc.newBlockingStub(intercepted)
            .withDeadlineAfter(30, TimeUnit.SECONDS)), clock, random, config.vertical().maxScoredPerDay());
    this.gate = new ConsentGate(config.site(), config.consent(), config.policy(), stores.consent(),
        stores.pseudonyms(), stores.audit());
    this.router = router(config, data, clock,
        () -> FederationGrpc.newBlockingStub(intercepted).withDeadlineAfter(2, TimeUnit.MINUTES), log, ledger, stores,
        gate, keys, random, new ScoreResponder(scoring));
    this.scorer = new VerticalScorer(scoring,
        () -> FederationGrpc.newBlockingStub(intercepted).withDeadlineAfter(2, TimeUnit.MINUTES));
  }

  /** The node's secure-aggregation rounds and seal keys, from its certificate, key and federation CA. */
  record Keys(SecureRounds secure, SealKeys seal) {
    static Keys load(NodeConfig config, SecureRandom random) {
      X509Certificate ca = Pem.readCertificate(config.tls().ca());
      CrlSource crls = config.tls().crl() == null ? CrlSource.none() : CrlSource.file(config.tls().crl(), ca);
      EcdsaKeyAdvertisementSigner siteSigner =
          new EcdsaKeyAdvertisementSigner(config.tls().privateKey());
      X509ExtendedTrustManager peerTrust = FederationTrust.trustManager(ca, crls, Role.NODE);
      return new Keys(new SecureRounds(config.site(), siteSigner, peerTrust, ca, random),
          new SealKeys(config.site(), siteSigner, Pem.readCertificate(config.tls().cert()), peerTrust, ca));
    }
  }

  /**
   * Wires the task handlers: one per kind of a horizontal job's task behind one {@link Admission},
   * local training with differential privacy as a decorator, the vertical participant and scoring.
   */
  static TaskRouter router(NodeConfig config, DataSnapshots data, Clock clock, Supplier<FederationBlockingStub> stub,
      ContributionLog log, PrivacyLedger ledger, NodeStores stores, ConsentGate gate, Keys keys, SecureRandom random,
      ScoreResponder scores) {
    Answers answers = new Answers(stub, log, clock);
    HeadCountersigner countersigner = new CoordinatorCountersigner(stub);
    TaskContext context = new TaskContext(config.site(), data, clock, gate, answers, countersigner);
    Admission admission = new Admission(context, config.policy());
    Selections selections = new Selections();
    LocalTraining training = new DpTraining(LocalTraining.plain(new LocalTrainer()), ledger, config.privacy(),
        config.policy());
    SecAggHandler secagg = new SecAggHandler(context, keys.secure());
    DpReleases releases = new DpReleases(ledger, config.privacy(), config.policy(), random);
    VerticalAnswers verticalAnswers = new VerticalAnswers(answers);
    VerticalParticipant vertical = new VerticalParticipant(config.site(), data, gate.vertical(countersigner),
        config.vertical(), keys.seal(), stores.verticalModels(), verticalAnswers, clock, random);
    return new TaskRouter(admission, Map.of(
        Task.KindCase.STATS, new StatsHandler(context, admission, secagg, releases),
        Task.KindCase.TRAIN, new TrainHandler(context, admission, selections, training, secagg),
        Task.KindCase.EVALUATE, new EvaluateHandler(context, admission, selections, secagg, releases),
        Task.KindCase.SECAGG, secagg), vertical, scores, verticalAnswers, answers, config.site(), stores.watch());
  }

  /**
   * Loads the node's data (to check its source; each job reads it again) and starts the agent.
   *
   * @param interceptors applied to every outgoing call (tests use one to inspect what leaves)
   */
  public static NodeAgent start(NodeConfig config, List<ClientInterceptor> interceptors, Clock clock) {
    // site: differing from the certificate, a coordinator certificate or a missing CRL stops the start
    // with its reason (the CRL's nextUpdate by the system clock, as at every handshake)
    StartCheck.ownCertificate(config.tls().cert(), config.tls().ca(), config.tls().crl(), Role.NODE, config.site(),
        Clock.systemUTC());
    DataSnapshots data = DataSnapshots.of(config.data());
    LocalData first = data.latest();
    LOG.info(() -> "site '" + config.site() + "': " + first.trainSize() + " training and " + first.testSize()
        + " held-out records, data version " + first.version());
    LOG.info(() -> "site '" + config.site() + "' " + config.policy().describe());
    NodeAgent agent = new NodeAgent(config, data, interceptors, clock);
    if (config.admin() != null) {
      agent.admin = AdminServer.start(config.admin(), agent.stores, () -> new NodeStatus(config.site(),
          config.coordinator(), agent.channel.getState(false) == ConnectivityState.READY, data.latest().trainSize(),
          agent.gate.jobsSeen(), config.policy()), agent.scorer);
      LOG.info(() -> "admin API on " + config.admin().host() + ":" + agent.admin.port() + " (bearer token in "
          + config.admin().tokenFile() + ")");
    }
    agent.subscribe();
    return agent;
  }

  public String site() {
    return config.site();
  }

  /** The node's consent registry. */
  public ConsentRegistry consent() {
    return stores.consent();
  }

  /** Scores subjects with a vertical model this site holds a piece of (what POST /v1/score calls). */
  public SubjectScorer scorer() {
    return scorer;
  }

  /** The node's consent registry, pseudonyms and signed, hash-chained audit log. */
  public NodeStores stores() {
    return stores;
  }

  /** What this node has spent of its records' privacy. */
  public PrivacyLedger privacyLedger() {
    return ledger;
  }

  /** What this node has sent so far. */
  public ContributionLog contributions() {
    return log;
  }

  private void subscribe() {
    if (!running) {
      return;
    }
    FederationGrpc.newStub(intercepted).subscribe(SubscribeRequest.newBuilder().setAgentVersion("0.1").build(),
        new StreamObserver<>() {
          @Override
          public void onNext(Task task) {
            backoff = Duration.ofMillis(500);
            worker.execute(() -> {
              try {
                router.handle(task);
              } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, "task " + task.getTaskId() + " failed", e);
              }
            });
          }

          @Override
          public void onError(Throwable t) {
            Status s = Status.fromThrowable(t);
            if (running) {
              LOG.warning(() -> "task stream to " + config.coordinator() + " ended: " + s.getCode() + " "
                  + (s.getDescription() == null ? "" : s.getDescription()) + "; retrying in "
                  + backoff.toMillis() + " ms");
            }
            retry();
          }

          @Override
          public void onCompleted() {
            retry();
          }
        });
  }

  private void retry() {
    if (!running) {
      return;
    }
    Duration wait = backoff;
    backoff = wait.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : wait.multipliedBy(2);
    reconnects.schedule(this::subscribe, wait.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Blocks until {@link #close()}. */
  public void awaitTermination() throws InterruptedException {
    closed.await();
  }

  @Override
  public void close() {
    running = false;
    if (admin != null) {
      admin.close();
    }
    reconnects.shutdownNow();
    channel.shutdownNow();
    worker.shutdownNow();
    try {
      worker.awaitTermination(5, TimeUnit.SECONDS);
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    router.close();
    log.close();
    ledger.close();
    stores.close();
    closed.countDown();
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
