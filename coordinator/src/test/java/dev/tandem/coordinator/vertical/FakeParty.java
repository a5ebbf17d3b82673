package dev.tandem.coordinator.vertical;

import dev.tandem.certs.IssuedCertificate;
import dev.tandem.proto.v1.FederationGrpc;
import dev.tandem.proto.v1.JobEnded;
import dev.tandem.proto.v1.SubscribeRequest;
import dev.tandem.proto.v1.Task;
import dev.tandem.proto.v1.TaskDeclined;
import dev.tandem.proto.v1.VerticalMessage;
import dev.tandem.proto.v1.VerticalStage;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A party of a vertical job whose behaviour the test writes: it subscribes over mutual TLS and hands
 * each task, in arrival order, to its behaviour on a thread of its own.
 */
final class FakeParty implements AutoCloseable {
  /** What the party does with one task. */
  interface Behaviour {
    void handle(FakeParty party, Task task) throws Exception;
  }

  final String site;
  final IssuedCertificate certificate;
  private final FederationGrpc.FederationBlockingStub federation;
  final List<Task> received = Collections.synchronizedList(new ArrayList<>());
  final CompletableFuture<JobEnded> ended = new CompletableFuture<>();
  private final List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
  private final ManagedChannel channel;
  private final ExecutorService worker = Executors.newSingleThreadExecutor();

  FakeParty(String site, IssuedCertificate certificate, ManagedChannel channel, Behaviour behaviour) {
    this.site = site;
    this.certificate = certificate;
    this.channel = channel;
    this.federation = FederationGrpc.newBlockingStub(channel);
    FederationGrpc.newStub(channel).subscribe(SubscribeRequest.getDefaultInstance(), new StreamObserver<>() {
      @Override
      public void onNext(Task task) {
        received.add(task);
        if (task.hasEnded()) {
          ended.complete(task.getEnded());
          return;
        }
        worker.execute(() -> {
          try {
            behaviour.handle(FakeParty.this, task);
          } catch (Throwable e) {
            failures.add(e);
          }
        });
      }

      @Override
      public void onError(Throwable e) {
        ended.completeExceptionally(e);
      }

      @Override
      public void onCompleted() {
        ended.completeExceptionally(new IllegalStateException("the task stream of " + site + " completed"));
      }
    });
  }

  /** This party's stub for one call, with a deadline of its own. */
  FederationGrpc.FederationBlockingStub stub() {
    return federation.withDeadlineAfter(60, TimeUnit.SECONDS);
  }

  /** Sends {@code answer} as this party's answer to {@code task}, with the task's ids and stage. */
  void answer(Task task, VerticalMessage.Builder answer) {
    stub().submitVertical(answerTo(task, answer));
  }

  static VerticalMessage answerTo(Task task, VerticalMessage.Builder answer) {
    return answer.setTaskId(task.getTaskId()).setJobId(task.getJobId()).setRound(task.getRound())
        .setStage(task.getVertical().getStage()).build();
  }

  void decline(Task task, String code, String reason) {
    stub().declineTask(TaskDeclined.newBuilder().setTaskId(task.getTaskId()).setJobId(task.getJobId())
        .setRound(task.getRound()).setCode(code).setReason(reason).build());
  }

  /** A copy of the tasks received so far, in order (the stream may still be adding to them). */
  List<Task> tasks() {
    synchronized (received) {
      return List.copyOf(received);
    }
  }

  /** The stages of the vertical tasks received so far, in order. */
  List<VerticalStage> stages() {
    synchronized (received) {
      return received.stream().filter(Task::hasVertical).map(t -> t.getVertical().getStage()).toList();
    }
  }

  /** Waits for the job's end; fails the test if the behaviour threw. */
  JobEnded awaitEnd() throws Exception {
    JobEnded end = ended.get(60, TimeUnit.SECONDS);
    worker.shutdown();
    worker.awaitTermination(20, TimeUnit.SECONDS);
    rethrow();
    return end;
  }

  void rethrow() {
    synchronized (failures) {
      if (!failures.isEmpty()) {
        AssertionError e = new AssertionError("party " + site + " failed: " + failures.get(0), failures.get(0));
        failures.stream().skip(1).forEach(e::addSuppressed);
        throw e;
      }
    }
  }

  /** Drops the connection, as a crashed node would. */
  void disconnect() {
    channel.shutdownNow();
  }

  @Override
  public void close() {
    worker.shutdownNow();
    channel.shutdownNow();
  }
}
