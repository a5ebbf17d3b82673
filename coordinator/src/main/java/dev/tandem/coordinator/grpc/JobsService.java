package dev.tandem.coordinator.grpc;

import dev.tandem.coordinator.jobs.JobEvent;
import dev.tandem.coordinator.jobs.JobRunner;
import dev.tandem.coordinator.jobs.Jobs;
import dev.tandem.coordinator.store.JobRecord;
import dev.tandem.coordinator.store.ModelRegistry;
import dev.tandem.coordinator.store.StoredModel;
import dev.tandem.model.JobSpec;
import dev.tandem.proto.Wire;
import dev.tandem.proto.v1.JobAccepted;
import dev.tandem.proto.v1.JobFinished;
import dev.tandem.proto.v1.JobsGrpc;
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
import java.util.Optional;
import java.util.function.Consumer;

/** The operator's side of the coordinator: submit and watch jobs, list model versions. */
public final class JobsService extends JobsGrpc.JobsImplBase {
  private final Jobs jobs;
  private final ModelRegistry registry;

  public JobsService(Jobs jobs, ModelRegistry registry) {
    this.jobs = jobs;
    this.registry = registry;
  }

  @Override
  public void submitJob(dev.tandem.proto.v1.JobSpec request, StreamObserver<JobAccepted> observer) {
    String id;
    try {
      JobSpec spec = Wire.fromProto(request);
      id = jobs.submit(spec);
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
    Optional<JobRunner> runner = jobs.runner(jobId);
    if (runner.isPresent()) {
      ServerCallStreamObserver<dev.tandem.proto.v1.JobEvent> call =
          (ServerCallStreamObserver<dev.tandem.proto.v1.JobEvent>) observer;
      Consumer<JobEvent> watcher = event -> {
        call.onNext(toProto(jobId, event));
        if (event instanceof JobEvent.Finished) {
          call.onCompleted();
        }
      };
      call.setOnCancelHandler(() -> runner.get().events().unwatch(watcher));
      runner.get().events().watch(watcher);
      return;
    }
    Optional<JobRecord> job = registry.job(jobId);
    if (job.isEmpty()) {
      observer.onError(Status.NOT_FOUND.withDescription("no job '" + jobId + "'").asRuntimeException());
      return;
    }
    // A job of an earlier coordinator process: replay what was stored.
    String last = "";
    for (StoredModel m : registry.versions(jobId)) {
      observer.onNext(toProto(jobId, m.metrics()));
      last = m.version();
    }
    JobRecord r = job.get();
    observer.onNext(toProto(jobId, new JobEvent.Finished(r.state(), r.reason() == null ? "" : r.reason(), last)));
    observer.onCompleted();
  }

  @Override
  public void listModels(ListModelsRequest request, StreamObserver<ListModelsResponse> observer) {
    ListModelsResponse.Builder b = ListModelsResponse.newBuilder();
    for (StoredModel m : registry.versions(request.getJobId().isEmpty() ? null : request.getJobId())) {
      b.addVersions(ModelVersion.newBuilder().setVersion(m.version()).setJobId(m.job().jobId())
          .setRound(m.round()).setPurpose(m.job().purpose()).setAuc(m.metrics().auc())
          .setCreated(m.created().toString()));
    }
    observer.onNext(b.build());
    observer.onCompleted();
  }

  static dev.tandem.proto.v1.JobEvent toProto(String jobId, JobEvent event) {
    dev.tandem.proto.v1.JobEvent.Builder b = dev.tandem.proto.v1.JobEvent.newBuilder().setJobId(jobId);
    if (event instanceof JobEvent.RoundCompleted r) {
      b.setRoundCompleted(RoundMetrics.newBuilder().setRound(r.round()).addAllSites(r.sites())
          .setTrainSamples(r.trainSamples()).setTrainLoss(r.trainLoss()).setEvalSamples(r.evalSamples())
          .setAuc(r.auc()).setLogLoss(r.logLoss()).setAccuracy(r.accuracy()).setModelVersion(r.modelVersion())
          .setSecureAggregation(r.secureAggregation())
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
