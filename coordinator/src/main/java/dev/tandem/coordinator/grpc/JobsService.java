package dev.tandem.coordinator.grpc;

import dev.tandem.certs.IssuedCertificate;
import dev.tandem.coordinator.jobs.JobEvent;
import dev.tandem.coordinator.jobs.JobEvents;
import dev.tandem.coordinator.jobs.Jobs;
import dev.tandem.coordinator.store.JobRecord;
import dev.tandem.coordinator.store.ModelRegistry;
import dev.tandem.coordinator.store.ModelRegistry.VerticalVersion;
import dev.tandem.coordinator.store.StoredModel;
import dev.tandem.proto.VerticalWire;
import dev.tandem.proto.Wire;
import dev.tandem.proto.v1.JobAccepted;
import dev.tandem.proto.v1.JobFinished;
import dev.tandem.proto.v1.JobsGrpc;
import dev.tandem.proto.v1.LatestHeadRecord;
import dev.tandem.proto.v1.LatestHeadRequest;
import dev.tandem.proto.v1.ListModelsRequest;
import dev.tandem.proto.v1.ListModelsResponse;
import dev.tandem.proto.v1.ModelVersion;
import dev.tandem.proto.v1.RoundMetrics;
import dev.tandem.proto.v1.SiteEvent;
import dev.tandem.proto.v1.SitePrivacy;
import dev.tandem.proto.v1.WatchJobRequest;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The operator's side of the coordinator: submit and watch jobs, list model versions, and fetch the
 * signed record of a site's latest countersigned audit head.
 */
public final class JobsService extends JobsGrpc.JobsImplBase {
  private final Jobs jobs;
  private final ModelRegistry registry;
  private final LatestHeads latestHeads;

  /** A service whose LatestHead answers are signed with {@code coordinatorKey} and dated by {@code clock}. */
  public JobsService(Jobs jobs, ModelRegistry registry, IssuedCertificate coordinatorKey, Clock clock) {
    this.jobs = jobs;
    this.registry = registry;
    this.latestHeads = new LatestHeads(registry, coordinatorKey, clock);
  }

  @Override
  public void latestHead(LatestHeadRequest request, StreamObserver<LatestHeadRecord> observer) {
    LatestHeadRecord record;
    try {
      record = latestHeads.record(request.getSite());
    } catch (io.grpc.StatusRuntimeException e) {
      observer.onError(e);
      return;
    }
    observer.onNext(record);
    observer.onCompleted();
  }

  @Override
  public void submitJob(dev.tandem.proto.v1.JobSpec request, StreamObserver<JobAccepted> observer) {
    accept(observer, () -> jobs.submit(Wire.fromProto(request)));
  }

  @Override
  public void submitVerticalJob(dev.tandem.proto.v1.VerticalJobSpec request, StreamObserver<JobAccepted> observer) {
    accept(observer, () -> jobs.submitVertical(VerticalWire.fromProto(request)));
  }

  /** Starts a job; a spec or site list the coordinator refuses is INVALID_ARGUMENT. */
  private static void accept(StreamObserver<JobAccepted> observer, Supplier<String> submit) {
    String id;
    try {
      id = submit.get();
    } catch (IllegalArgumentException e) {
      observer.onError(Status.INVALID_ARGUMENT.withDescription("job refused: " + e.getMessage()).asRuntimeException());
      return;
    }
    observer.onNext(JobAccepted.newBuilder().setJobId(id).build());
    observer.onCompleted();
  }

  @Override
  public void watchJob(WatchJobRequest request, StreamObserver<dev.tandem.proto.v1.JobEvent> observer) {
    String jobId = request.getJobId();
    Optional<JobEvents> runner = jobs.events(jobId);
    if (runner.isPresent()) {
      ServerCallStreamObserver<dev.tandem.proto.v1.JobEvent> call =
          (ServerCallStreamObserver<dev.tandem.proto.v1.JobEvent>) observer;
      Consumer<JobEvent> watcher = event -> {
        call.onNext(toProto(jobId, event));
        if (event instanceof JobEvent.Finished) {
          call.onCompleted();
        }
      };
      call.setOnCancelHandler(() -> runner.get().unwatch(watcher));
      runner.get().watch(watcher);
      return;
    }
    Optional<JobRecord> job = registry.job(jobId);
    if (job.isEmpty()) {
      observer.onError(Status.NOT_FOUND.withDescription("no job '" + jobId + "'").asRuntimeException());
      return;
    }
    // A job of an earlier coordinator process: replay what was stored.
    JobRecord r = job.get();
    List<JobEvent.RoundCompleted> stored = r.isVertical()
        ? registry.verticalVersions(jobId).stream().map(VerticalVersion::metrics).toList()
        : registry.versions(jobId).stream().map(StoredModel::metrics).toList();
    String last = "";
    for (JobEvent.RoundCompleted m : stored) {
      observer.onNext(toProto(jobId, m));
      last = m.modelVersion();
    }
    observer.onNext(toProto(jobId, new JobEvent.Finished(r.state(), r.reason() == null ? "" : r.reason(), last)));
    observer.onCompleted();
  }

  @Override
  public void listModels(ListModelsRequest request, StreamObserver<ListModelsResponse> observer) {
    String jobId = request.getJobId().isEmpty() ? null : request.getJobId();
    List<Map.Entry<Instant, ModelVersion>> versions = new ArrayList<>();
    for (StoredModel m : registry.versions(jobId)) {
      versions.add(Map.entry(m.created(), version(m.metrics(), m.job().jobId(), m.job().purpose(), m.created())));
    }
    for (VerticalVersion m : registry.verticalVersions(jobId)) {
      versions.add(Map.entry(m.created(), version(m.metrics(), m.job().jobId(), m.job().purpose(), m.created())));
    }
    versions.sort(Map.Entry.comparingByKey());
    observer.onNext(ListModelsResponse.newBuilder().addAllVersions(versions.stream().map(Map.Entry::getValue)
        .toList()).build());
    observer.onCompleted();
  }

  private static ModelVersion version(JobEvent.RoundCompleted metrics, String jobId, String purpose, Instant created) {
    return ModelVersion.newBuilder().setVersion(metrics.modelVersion()).setJobId(jobId).setRound(metrics.round())
        .setPurpose(purpose).setAuc(metrics.auc()).setCreated(created.toString()).build();
  }

  static dev.tandem.proto.v1.JobEvent toProto(String jobId, JobEvent event) {
    dev.tandem.proto.v1.JobEvent.Builder b = dev.tandem.proto.v1.JobEvent.newBuilder().setJobId(jobId);
    if (event instanceof JobEvent.RoundCompleted r) {
      b.setRoundCompleted(RoundMetrics.newBuilder().setRound(r.round()).addAllSites(r.sites())
          .setTrainSamples(r.trainSamples()).setTrainLoss(r.trainLoss()).setEvalSamples(r.evalSamples())
          .setAuc(r.auc()).setLogLoss(r.logLoss()).setAccuracy(r.accuracy()).setModelVersion(r.modelVersion())
          .setSecureAggregation(r.secureAggregation()).setIntersection(r.intersection())
          .addAllPrivacy(r.privacy().stream().map(p -> SitePrivacy.newBuilder().setSite(p.site())
              .setEpsilon(p.epsilon()).setDelta(p.delta()).build()).toList()));
    } else if (event instanceof JobEvent.SiteNotice n) {
      b.setSiteEvent(SiteEvent.newBuilder().setRound(n.round()).setSite(n.site()).setWhat(n.what()));
    } else if (event instanceof JobEvent.Finished f) {
      b.setFinished(JobFinished.newBuilder().setState(f.state().name()).setReason(f.reason())
          .setFinalModelVersion(f.finalModelVersion()));
    }
    return b.build();
  }
}
