package dev.tandem.node.agent;

import com.google.protobuf.MessageLite;
import dev.tandem.certs.testing.TestPki;
import dev.tandem.model.JobSpec;
import dev.tandem.model.Normalization;
import dev.tandem.node.config.NodeConfig;
import dev.tandem.node.consent.MutableClock;
import dev.tandem.node.data.DataSnapshots;
import dev.tandem.node.data.LocalData;
import dev.tandem.node.privacy.PrivacyLedger;
import dev.tandem.node.store.ContributionLog;
import dev.tandem.node.store.NodeStores;
import dev.tandem.node.vertical.scoring.ScoreResponder;
import dev.tandem.node.vertical.scoring.ScoringContext;
import dev.tandem.proto.Wire;
import dev.tandem.proto.v1.Ack;
import dev.tandem.proto.v1.EvaluateTask;
import dev.tandem.proto.v1.EvaluationReport;
import dev.tandem.proto.v1.FederationGrpc;
import dev.tandem.proto.v1.ModelUpdate;
import dev.tandem.proto.v1.SecAggMessage;
import dev.tandem.proto.v1.StatsReport;
import dev.tandem.proto.v1.StatsTask;
import dev.tandem.proto.v1.Task;
import dev.tandem.proto.v1.TaskDeclined;
import dev.tandem.proto.v1.TrainTask;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * One node's task router wired as {@link NodeAgent} wires it, answering a coordinator that runs in
 * this process and keeps every answer: tests hand it tasks and read what left.
 */
final class NodeHarness implements AutoCloseable {
  /** What the node sent to the coordinator, in order of arrival. */
  static final class Coordinator extends FederationGrpc.FederationImplBase {
    final List<MessageLite> received = new CopyOnWriteArrayList<>();
    /** Answers it keeps (it has read them) but refuses with FAILED_PRECONDITION; none unless a test sets it. */
    volatile Predicate<MessageLite> refuse = m -> false;
    /** What it answers to those it refuses (a transport failure such as UNAVAILABLE plays a lost answer). */
    volatile Status refusal = Status.FAILED_PRECONDITION.withDescription("refused by the test coordinator");

    @Override
    public void submitStats(StatsReport r, StreamObserver<Ack> out) {
      ack(r, out);
    }

    @Override
    public void submitUpdate(ModelUpdate r, StreamObserver<Ack> out) {
      ack(r, out);
    }

    @Override
    public void submitEvaluation(EvaluationReport r, StreamObserver<Ack> out) {
      ack(r, out);
    }

    @Override
    public void declineTask(TaskDeclined r, StreamObserver<Ack> out) {
      ack(r, out);
    }

    @Override
    public void submitSecAgg(SecAggMessage r, StreamObserver<Ack> out) {
      ack(r, out);
    }

    private void ack(MessageLite m, StreamObserver<Ack> out) {
      received.add(m);
      if (refuse.test(m)) {
        out.onError(refusal.asRuntimeException());
        return;
      }
      out.onNext(Ack.getDefaultInstance());
      out.onCompleted();
    }

    /** The last message of {@code type} the node sent; fails when there is none. */
    <M> M last(Class<M> type) {
      for (int i = received.size() - 1; i >= 0; i--) {
        if (type.isInstance(received.get(i))) {
          return type.cast(received.get(i));
        }
      }
      throw new AssertionError("the node sent no " + type.getSimpleName() + "; it sent " + received);
    }
  }

  final MutableClock clock = new MutableClock(Instant.parse("2026-06-01T00:00:00Z"));
  final Coordinator coordinator = new Coordinator();
  final NodeConfig config;
  /** The federation's PKI, whose CA issued the node's certificate (tests issue the other sites' from it). */
  final TestPki pki;
  final NodeStores stores;
  /** The node's records as read at start (each job reads them again through {@link #snapshots}). */
  final LocalData data;
  final DataSnapshots snapshots;
  private final Server server;
  private final ManagedChannel channel;
  private final ContributionLog log;
  /** The node's privacy ledger, for tests that read what was charged. */
  final PrivacyLedger ledger;
  private final TaskRouter router;
  private int tasks;

  /**
   * A node whose configuration is {@code configure} applied to one for site "a" with its own
   * certificate and database under {@code dir}, reading {@code data}.
   */
  NodeHarness(Path dir, dev.tandem.node.data.DataSourceConfig source, UnaryOperator<NodeConfig> configure) {
    pki = TestPki.create();
    TestPki.SiteFiles f = pki.writeSite(dir.resolve("a"), pki.node("a"));
    config = configure.apply(new NodeConfig("a", "localhost:1",
        new NodeConfig.TlsFiles(f.cert(), f.key(), f.ca(), f.crl()), source,
        "jdbc:h2:file:" + dir.resolve("db").toAbsolutePath(), 1 << 20));
    String name = "harness-" + UUID.randomUUID();
    try {
      server = InProcessServerBuilder.forName(name).directExecutor().addService(coordinator).build().start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    snapshots = DataSnapshots.of(config.data());
    data = snapshots.latest();
    stores = NodeStores.open(config, clock);
    log = ContributionLog.open(config.databaseUrl());
    ledger = PrivacyLedger.open(config.databaseUrl(), clock);
    SecureRandom random = new SecureRandom();
    NodeAgent.Keys keys = NodeAgent.Keys.load(config, random);
    ConsentGate gate = new ConsentGate(config.site(), config.consent(), config.policy(), stores.consent(),
        stores.pseudonyms(), stores.audit());
    ScoreResponder scores = new ScoreResponder(new ScoringContext(config.site(), data, stores, keys.seal(),
        config.consent(), new CoordinatorCountersigner(() -> FederationGrpc.newBlockingStub(channel)), clock, random));
    router = NodeAgent.router(config, snapshots, clock, () -> FederationGrpc.newBlockingStub(channel), log, ledger, stores,
        gate, keys, random, scores);
  }

  /** Hands the node one task, as its worker thread would. */
  void handle(Task task) {
    router.handle(task);
  }

  private Task.Builder task(JobSpec job, int round) {
    return Task.newBuilder().setTaskId("t" + (++tasks)).setJobId(job.jobId()).setRound(round)
        .setJob(Wire.toProto(job));
  }

  /** A plain (not securely aggregated) TRAIN task from {@code global}. */
  Task train(JobSpec job, int round, Normalization normalization, double[] global) {
    return task(job, round).setTrain(TrainTask.newBuilder().setNormalization(Wire.toProto(normalization))
        .setGlobal(Wire.parameters(global))).build();
  }

  /** An EVALUATE task of {@code model}. */
  Task evaluate(JobSpec job, int round, Normalization normalization, double[] model) {
    return task(job, round).setEvaluate(EvaluateTask.newBuilder().setNormalization(Wire.toProto(normalization))
        .setModel(Wire.parameters(model))).build();
  }

  /** A STATS task that opens a secure aggregation with {@code params}. */
  Task stats(JobSpec job, int round, dev.tandem.proto.v1.SecAggParams params) {
    return task(job, round).setStats(StatsTask.newBuilder().setSecagg(params)).build();
  }

  /** A SECAGG task of {@code round}'s secure aggregation. */
  Task secagg(JobSpec job, int round, dev.tandem.proto.v1.SecAggTask secagg) {
    return task(job, round).setSecagg(secagg).build();
  }

  /** A STATS task. */
  Task stats(JobSpec job, int round) {
    return task(job, round).setStats(StatsTask.getDefaultInstance()).build();
  }

  /** Grants consent for {@code purpose} to each of {@code ids}. */
  void grant(String purpose, Iterable<String> ids) {
    for (String id : ids) {
      stores.consent().grant(id, purpose, "test", "v1");
    }
  }

  @Override
  public void close() {
    router.close();
    channel.shutdownNow();
    server.shutdownNow();
    log.close();
    ledger.close();
    stores.close();
  }
}
