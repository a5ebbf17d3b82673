package dev.tandem.bench.rounds;

import com.google.protobuf.ByteString;
import dev.tandem.certs.CrlSource;
import dev.tandem.certs.FederationTrust;
import dev.tandem.certs.IssuedCertificate;
import dev.tandem.certs.Role;
import dev.tandem.crypto.secagg.EcdsaKeyAdvertisementSigner;
import dev.tandem.crypto.secagg.FixedPoint;
import dev.tandem.crypto.secagg.SecAggConfig;
import dev.tandem.node.secagg.SecureRounds;
import dev.tandem.proto.Wire;
import dev.tandem.proto.v1.EvaluationReport;
import dev.tandem.proto.v1.FederationGrpc;
import dev.tandem.proto.v1.ModelUpdate;
import dev.tandem.proto.v1.NumericMoments;
import dev.tandem.proto.v1.SecAggMessage;
import dev.tandem.proto.v1.SecAggParams;
import dev.tandem.proto.v1.SecAggStage;
import dev.tandem.proto.v1.StatsReport;
import dev.tandem.proto.v1.SubscribeRequest;
import dev.tandem.proto.v1.Task;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A site that answers the coordinator's tasks with a random update of the job's size instead of
 * training: the scenario measures the protocol, not the model. It speaks plain FedAvg and secure
 * aggregation exactly as a node does (the same {@link SecureRounds}), over its own mTLS channel.
 */
final class SyntheticSite implements AutoCloseable {
  private final String site;
  private final ManagedChannel channel;
  private final FederationGrpc.FederationBlockingStub stub;
  private final SecureRounds secure;
  private final ExecutorService worker;
  private final int numericFeatures;
  /** Round in which this site leaves (it sends nothing from the dropping stage on); 0: never. */
  private final int dropRound;
  private final SplittableRandom random;

  SyntheticSite(String site, IssuedCertificate cert, X509Certificate ca, int port, int numericFeatures,
      int dropRound, long seed) {
    this.site = site;
    this.numericFeatures = numericFeatures;
    this.dropRound = dropRound;
    this.random = new SplittableRandom(seed);
    this.channel = NettyChannelBuilder.forAddress("localhost", port, TlsChannelCredentials.newBuilder()
            .keyManager(FederationTrust.keyManager(cert.certificate(), cert.privateKey(), ca))
            .trustManager(FederationTrust.trustManager(ca, CrlSource.none(), Role.COORDINATOR)).build())
        .maxInboundMessageSize(256 << 20).build();
    this.stub = FederationGrpc.newBlockingStub(channel);
    this.secure = new SecureRounds(site, new EcdsaKeyAdvertisementSigner(cert.privateKey()),
        FederationTrust.trustManager(ca, CrlSource.none(), Role.NODE), ca, new SecureRandom());
    this.worker = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "site-" + site);
      t.setDaemon(true);
      return t;
    });
    FederationGrpc.newStub(channel).subscribe(SubscribeRequest.getDefaultInstance(), new StreamObserver<>() {
      @Override
      public void onNext(Task t) {
        worker.execute(() -> handle(t));
      }

      @Override
      public void onError(Throwable e) {}

      @Override
      public void onCompleted() {}
    });
  }

  private void handle(Task t) {
    try {
      switch (t.getKindCase()) {
        case STATS -> {
          if (t.getStats().hasSecagg()) {
            long[] counts = new long[numericFeatures];
            java.util.Arrays.fill(counts, 100);
            double[] sums = new double[numericFeatures];
            double[] squares = new double[numericFeatures];
            java.util.Arrays.fill(squares, 100);
            begin(t, t.getStats().getSecagg(),
                dev.tandem.model.aggregate.MomentsVector.encode(100, counts, sums, squares));
            return;
          }
          StatsReport.Builder b = StatsReport.newBuilder().setTaskId(t.getTaskId()).setJobId(t.getJobId())
              .setRound(t.getRound()).setRecordCount(100);
          for (int i = 0; i < numericFeatures; i++) {
            b.addMoments(NumericMoments.newBuilder().setCount(100).setSum(0).setSumSquares(100));
          }
          stub.submitStats(b.build());
        }
        case TRAIN -> {
          int d = t.getTrain().getGlobal().getValuesCount();
          double[] w = new double[d];
          for (int i = 0; i < d; i++) {
            w[i] = random.nextDouble(-1, 1);
          }
          if (!t.getTrain().hasSecagg()) {
            if (dropRound > 0 && t.getRound() == dropRound) {
              close();
              return;
            }
            stub.submitUpdate(ModelUpdate.newBuilder().setTaskId(t.getTaskId()).setJobId(t.getJobId())
                .setRound(t.getRound()).setSampleCount(100).setParameters(Wire.parameters(w)).setTrainLoss(0.5)
                .build());
            return;
          }
          SecAggParams p = t.getTrain().getSecagg();
          SecAggConfig config = new SecAggConfig(p.getRoundId(), p.getParticipantsList(), p.getThreshold(),
              new FixedPoint(p.getFractionalBits(), p.getClip()), p.getVectorLength());
          byte[] advert = secure.begin(t.getJobId(), config, SecureRounds.input(w, 100, 0.5, p.getClip()));
          send(t, SecAggStage.ADVERTISE_KEYS, List.of(advert));
        }
        case SECAGG -> {
          List<byte[]> messages = t.getSecagg().getMessagesList().stream().map(ByteString::toByteArray).toList();
          switch (t.getSecagg().getStage()) {
            case SHARE_KEYS -> send(t, SecAggStage.SHARE_KEYS, secure.shareKeys(t.getJobId(), messages,
                t.getSecagg().getCertificatesList().stream().map(ByteString::toByteArray).toList()));
            case MASKED_INPUT -> {
              if (dropRound > 0 && t.getRound() == dropRound) {
                close(); // the worst case for the coordinator: keys shared, input never sent
                return;
              }
              send(t, SecAggStage.MASKED_INPUT, secure.maskInput(t.getJobId(), messages));
            }
            case UNMASKING -> send(t, SecAggStage.UNMASKING,
                List.of(secure.unmask(t.getJobId(), Set.copyOf(t.getSecagg().getSurvivorsList()))));
            default -> throw new IllegalStateException("stage " + t.getSecagg().getStage());
          }
        }
        case EVALUATE -> {
          if (t.getEvaluate().hasSecagg()) {
            dev.tandem.model.metrics.ScoreHistogram h =
                new dev.tandem.model.metrics.ScoreHistogram(t.getEvaluate().getBins());
            h.add(0.9, true);
            h.add(0.1, false);
            begin(t, t.getEvaluate().getSecagg(), dev.tandem.model.aggregate.MetricsVector.encode(2, 1, 1, 1, 1, h));
            return;
          }
          EvaluationReport.Builder b = EvaluationReport.newBuilder().setTaskId(t.getTaskId())
              .setJobId(t.getJobId()).setRound(t.getRound()).setSampleCount(2).setPositives(1).setLogLossSum(1)
              .setCorrect(1).setLocalAuc(0.5);
          b.addPositiveHistogram(1).addNegativeHistogram(1);
          stub.submitEvaluation(b.build());
        }
        default -> { }
      }
    } catch (RuntimeException e) {
      if (!channel.isShutdown()) {
        System.err.println("site " + site + ": " + e);
      }
    }
  }

  /** Opens this site's part of a statistics or evaluation secure aggregation with {@code input}. */
  private void begin(Task t, SecAggParams p, double[] input) {
    SecAggConfig config = new SecAggConfig(p.getRoundId(), p.getParticipantsList(), p.getThreshold(),
        new FixedPoint(p.getFractionalBits(), p.getClip()), p.getVectorLength());
    send(t, SecAggStage.ADVERTISE_KEYS, List.of(secure.begin(t.getJobId(), config, input)));
  }

  private void send(Task t, SecAggStage stage, List<byte[]> payload) {
    stub.submitSecAgg(SecAggMessage.newBuilder().setTaskId(t.getTaskId()).setJobId(t.getJobId())
        .setRound(t.getRound()).setStage(stage).addAllPayload(payload.stream().map(ByteString::copyFrom).toList())
        .build());
  }

  @Override
  public void close() {
    channel.shutdownNow();
    worker.shutdownNow();
  }
}
