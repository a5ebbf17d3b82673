package dev.tandem.cli.job;

import dev.tandem.model.JobSpec;
import dev.tandem.model.vertical.VerticalJobSpec;
import dev.tandem.node.transport.MtlsChannels;
import dev.tandem.proto.VerticalWire;
import dev.tandem.proto.Wire;
import dev.tandem.proto.v1.JobEvent;
import dev.tandem.proto.v1.JobFinished;
import dev.tandem.proto.v1.JobsGrpc;
import dev.tandem.proto.v1.ListModelsRequest;
import dev.tandem.proto.v1.ModelVersion;
import dev.tandem.proto.v1.WatchJobRequest;
import io.grpc.ManagedChannel;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** The operator's client of the coordinator's jobs service, over mutual TLS with a coordinator-role certificate. */
public final class JobClient implements AutoCloseable {
  private final ManagedChannel channel;
  private final JobsGrpc.JobsBlockingStub stub;

  private JobClient(ManagedChannel channel) {
    this.channel = channel;
    this.stub = JobsGrpc.newBlockingStub(channel);
  }

  public static JobClient connect(String target, Path cert, Path key, Path ca, Path crl) {
    return new JobClient(MtlsChannels.toCoordinator(target, cert, key, ca, crl, 64 * 1024 * 1024));
  }

  /** As {@link #connect(String, Path, Path, Path, Path)}, with the key already read (and decrypted). */
  public static JobClient connect(String target, Path cert, java.security.PrivateKey key, Path ca, Path crl) {
    return new JobClient(MtlsChannels.toCoordinator(target, cert, key, ca, crl, 64 * 1024 * 1024));
  }

  /** Submits a job and returns the id the coordinator gave it. */
  public String submit(JobSpec spec) {
    return stub.withDeadlineAfter(30, TimeUnit.SECONDS).submitJob(Wire.toProto(spec)).getJobId();
  }

  /** Submits a vertical job and returns the id the coordinator gave it. */
  public String submitVertical(VerticalJobSpec spec) {
    return stub.withDeadlineAfter(30, TimeUnit.SECONDS).submitVerticalJob(VerticalWire.toProto(spec)).getJobId();
  }

  /** Follows a job until it ends, handing each event to {@code onEvent}; returns how it ended. */
  public JobFinished watch(String jobId, Consumer<JobEvent> onEvent) {
    Iterator<JobEvent> events = stub.watchJob(WatchJobRequest.newBuilder().setJobId(jobId).build());
    while (events.hasNext()) {
      JobEvent e = events.next();
      onEvent.accept(e);
      if (e.hasFinished()) {
        return e.getFinished();
      }
    }
    throw new IllegalStateException("the coordinator closed the watch of job " + jobId + " before it ended");
  }

  public List<ModelVersion> models(String jobId) {
    return stub.withDeadlineAfter(30, TimeUnit.SECONDS)
        .listModels(ListModelsRequest.newBuilder().setJobId(jobId == null ? "" : jobId).build()).getVersionsList();
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
