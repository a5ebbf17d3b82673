package dev.tandem.coordinator.grpc;

import com.google.protobuf.ByteString;
import dev.tandem.certs.IssuedCertificate;
import dev.tandem.coordinator.identity.Caller;
import dev.tandem.coordinator.jobs.Jobs;
import dev.tandem.coordinator.rounds.Answers;
import dev.tandem.coordinator.rounds.Phase;
import dev.tandem.coordinator.rounds.Rejection;
import dev.tandem.coordinator.sites.ConnectedSites;
import dev.tandem.coordinator.store.ModelRegistry;
import dev.tandem.coordinator.vertical.Envelope;
import dev.tandem.coordinator.vertical.VerticalAnswer;
import dev.tandem.coordinator.vertical.VerticalMessages;
import dev.tandem.coordinator.vertical.VerticalScoring;
import dev.tandem.crypto.merkle.HeadSignature;
import dev.tandem.proto.Wire;
import dev.tandem.proto.v1.Ack;
import dev.tandem.proto.v1.EvaluationReport;
import dev.tandem.proto.v1.FederationGrpc;
import dev.tandem.proto.v1.HeadCountersigned;
import dev.tandem.proto.v1.HeadToSign;
import dev.tandem.proto.v1.LatestHeadRecord;
import dev.tandem.proto.v1.LatestHeadRequest;
import dev.tandem.proto.v1.ModelUpdate;
import dev.tandem.proto.v1.NumericMoments;
import dev.tandem.proto.v1.ScoreRequest;
import dev.tandem.proto.v1.ScoreResponse;
import dev.tandem.proto.v1.SecAggMessage;
import dev.tandem.proto.v1.StatsReport;
import dev.tandem.proto.v1.SubscribeRequest;
import dev.tandem.proto.v1.Task;
import dev.tandem.proto.v1.TaskDeclined;
import dev.tandem.proto.v1.VerticalMessage;
import dev.tandem.proto.v1.VerticalStage;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The nodes' side of the coordinator: task streams in, answers out. Thin: jobs decide. */
public final class FederationService extends FederationGrpc.FederationImplBase {
  private static final Ack ACCEPTED = Ack.newBuilder().setMessage("accepted").build();

  private final ConnectedSites sites;
  private final Jobs jobs;
  private final IssuedCertificate coordinatorKey;
  private final ModelRegistry registry;
  private final Clock clock;
  private final VerticalScoring scoring;

  /**
   * @param coordinatorKey the coordinator's certificate and key, which countersign audit log heads
   * @param registry remembers each site's latest countersigned head, so a rolled-back or forked log is refused
   * @param scoring relays scoring requests of vertical models between their parties
   */
  private final LatestHeads latestHeads;

  public FederationService(ConnectedSites sites, Jobs jobs, IssuedCertificate coordinatorKey, ModelRegistry registry,
      Clock clock, VerticalScoring scoring) {
    this.sites = sites;
    this.jobs = jobs;
    this.coordinatorKey = coordinatorKey;
    this.registry = registry;
    this.clock = clock;
    this.scoring = scoring;
    this.latestHeads = new LatestHeads(registry, coordinatorKey, clock);
  }

  @Override
  public void latestHead(LatestHeadRequest request, StreamObserver<LatestHeadRecord> observer) {
    String site = Caller.current().siteId();
    if (!request.getSite().isEmpty() && !request.getSite().equals(site)) {
      observer.onError(Status.PERMISSION_DENIED.withDescription("a node may ask only for its own audit head")
          .asRuntimeException());
      return;
    }
    LatestHeadRecord record;
    try {
      record = latestHeads.record(site);
    } catch (io.grpc.StatusRuntimeException e) {
      observer.onError(e);
      return;
    }
    observer.onNext(record);
    observer.onCompleted();
  }

  @Override
  public void countersignHead(HeadToSign h, StreamObserver<HeadCountersigned> observer) {
    byte[] hash = h.getHeadHash().toByteArray();
    String site = Caller.current().siteId();
    byte[] signature;
    try {
      signature = HeadSignature.sign(coordinatorKey.privateKey(), site, h.getSeq(), hash);
    } catch (IllegalArgumentException e) {
      observer.onError(Status.INVALID_ARGUMENT.withDescription("cannot countersign this head: " + e.getMessage())
          .asRuntimeException());
      return;
    }
    synchronized (registry) {
      Optional<ModelRegistry.SignedHead> last = registry.lastCountersigned(site);
      if (last.isPresent() && (h.getSeq() < last.get().seq()
          || (h.getSeq() == last.get().seq() && !MessageDigest.isEqual(hash, last.get().hash())))) {
        observer.onError(Status.FAILED_PRECONDITION.withDescription("site '" + site + "' presents audit head "
            + h.getSeq() + " but entry " + last.get().seq() + " was countersigned on " + last.get().at()
            + (h.getSeq() < last.get().seq() ? ": its log was rolled back" : " with another hash: its log forked"))
            .asRuntimeException());
        return;
      }
      if (last.isEmpty() || h.getSeq() > last.get().seq()) {
        try {
          registry.countersigned(site, h.getSeq(), hash, clock.instant());
        } catch (IllegalStateException e) {
          observer.onError(Status.UNAVAILABLE.withDescription("cannot record the head: " + e.getMessage())
              .asRuntimeException());
          return;
        }
      }
    }
    try {
      observer.onNext(HeadCountersigned.newBuilder().setSeq(h.getSeq()).setHeadHash(h.getHeadHash())
          .setSignature(ByteString.copyFrom(signature))
          .setCoordinatorCertificate(ByteString.copyFrom(coordinatorKey.certificate().getEncoded())).build());
    } catch (java.security.cert.CertificateEncodingException e) {
      observer.onError(Status.INTERNAL.withDescription("cannot encode the coordinator certificate").asRuntimeException());
      return;
    }
    observer.onCompleted();
  }

  @Override
  public void subscribe(SubscribeRequest request, StreamObserver<Task> observer) {
    sites.connect(Caller.current().siteId(), Caller.certificate(), (ServerCallStreamObserver<Task>) observer);
  }

  @Override
  public void submitStats(StatsReport r, StreamObserver<Ack> observer) {
    int n = r.getMomentsCount();
    long[] counts = new long[n];
    double[] sums = new double[n];
    double[] squares = new double[n];
    for (int i = 0; i < n; i++) {
      NumericMoments m = r.getMoments(i);
      counts[i] = m.getCount();
      sums[i] = m.getSum();
      squares[i] = m.getSumSquares();
    }
    answer(observer, () -> jobs.require(r.getJobId()).submitStats(Caller.current().siteId(), r.getRound(),
        new Answers.Stats(r.getRecordCount(), counts, sums, squares)));
  }

  @Override
  public void submitUpdate(ModelUpdate u, StreamObserver<Ack> observer) {
    answer(observer, () -> jobs.require(u.getJobId()).submitUpdate(Caller.current().siteId(), u.getRound(),
        new Answers.Update(Wire.values(u.getParameters()), u.getSampleCount(), u.getTrainLoss(),
            privacy(u.getEpsilonSpent(), u.getDelta()))));
  }

  @Override
  public void submitSecAgg(SecAggMessage m, StreamObserver<Ack> observer) {
    answer(observer, () -> {
      Phase.Kind kind = switch (m.getStage()) {
        case ADVERTISE_KEYS -> Phase.Kind.TRAIN;
        case SHARE_KEYS -> Phase.Kind.SECAGG_SHARE;
        case MASKED_INPUT -> Phase.Kind.SECAGG_MASKED;
        case UNMASKING -> Phase.Kind.SECAGG_UNMASK;
        default -> throw new Rejection(Rejection.Reason.MALFORMED, "unknown secure aggregation stage " + m.getStage());
      };
      List<byte[]> payload = m.getPayloadList().stream().map(ByteString::toByteArray).toList();
      jobs.require(m.getJobId()).submitSecAgg(Caller.current().siteId(), m.getRound(), kind,
          new Answers.SecAgg(payload, privacy(m.getEpsilonSpent(), m.getDelta())));
    });
  }

  private static Answers.Privacy privacy(double epsilon, double delta) throws Rejection {
    try {
      return new Answers.Privacy(epsilon, delta);
    } catch (IllegalArgumentException e) {
      throw new Rejection(Rejection.Reason.MALFORMED, e.getMessage());
    }
  }

  @Override
  public void submitEvaluation(EvaluationReport e, StreamObserver<Ack> observer) {
    answer(observer, () -> jobs.require(e.getJobId()).submitEvaluation(Caller.current().siteId(), e.getRound(),
        new Answers.Evaluation(e.getSampleCount(), e.getPositives(), e.getLogLossSum(), e.getCorrect(),
            e.getLocalAuc(), longs(e.getPositiveHistogramList()), longs(e.getNegativeHistogramList()))));
  }

  @Override
  public void declineTask(TaskDeclined d, StreamObserver<Ack> observer) {
    String reason = (d.getCode().isEmpty() ? "" : d.getCode() + ": ") + d.getReason();
    String site = Caller.current().siteId();
    answer(observer, () -> {
      if (!scoring.decline(d.getTaskId(), site, reason)) {
        jobs.decline(d.getJobId(), site, d.getRound(), reason);
      }
    });
  }

  @Override
  public void submitVertical(VerticalMessage m, StreamObserver<Ack> observer) {
    String site = Caller.current().siteId();
    answer(observer, () -> {
      VerticalAnswer answer = VerticalMessages.answer(m);
      if (answer.stage() == VerticalStage.VERTICAL_SCORE) {
        scoring.submit(site, answer);
      } else {
        jobs.requireVertical(m.getJobId()).submit(site, answer);
      }
    });
  }

  @Override
  public void scoreSubjects(ScoreRequest r, StreamObserver<ScoreResponse> observer) {
    String site = Caller.current().siteId();
    VerticalScoring.Scores scores;
    try {
      if (!r.hasRequester()) {
        throw new Rejection(Rejection.Reason.MALFORMED, "requester (the caller's signed seal key) is missing");
      }
      List<Envelope> sealedIds = new ArrayList<>();
      for (int i = 0; i < r.getSealedIdsCount(); i++) {
        try {
          sealedIds.add(VerticalMessages.fromCaller(r.getSealedIds(i), site, "sealed_ids[" + i + "]"));
        } catch (IllegalArgumentException e) {
          throw new Rejection(Rejection.Reason.MALFORMED, e.getMessage());
        }
      }
      scores = scoring.score(site, r.getModelVersion(), sealedIds, r.getIdCount(),
          VerticalMessages.sealKey(r.getRequester()));
    } catch (IllegalArgumentException e) {
      observer.onError(Status.INVALID_ARGUMENT.withDescription("requester: " + e.getMessage()).asRuntimeException());
      return;
    } catch (Rejection e) {
      observer.onError(Statuses.of(e));
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      observer.onError(Status.UNAVAILABLE.withDescription("the coordinator is shutting down").asRuntimeException());
      return;
    }
    ByteBuffer maskSums = ByteBuffer.allocate(Long.BYTES * scores.maskSums().length);
    maskSums.asLongBuffer().put(scores.maskSums());
    observer.onNext(ScoreResponse.newBuilder().addAllPartials(scores.partials().stream().map(VerticalMessages::toProto)
        .toList()).setMaskSums(ByteString.copyFrom(maskSums.array())).build());
    observer.onCompleted();
  }

  private interface Submission {
    void run() throws Rejection;
  }

  private static void answer(StreamObserver<Ack> observer, Submission submission) {
    try {
      submission.run();
    } catch (Rejection r) {
      observer.onError(Statuses.of(r));
      return;
    }
    observer.onNext(ACCEPTED);
    observer.onCompleted();
  }

  private static long[] longs(java.util.List<Long> list) {
    long[] out = new long[list.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = list.get(i);
    }
    return out;
  }
}
