package dev.tandem.coordinator.server;

import dev.tandem.proto.v1.FederationGrpc;
import dev.tandem.proto.v1.SubscribeRequest;
import dev.tandem.proto.v1.Task;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A node whose answers the test writes by hand: tasks are queued for the test thread to take. */
final class ScriptedNode implements AutoCloseable {
  final String site;
  final ManagedChannel channel;
  final FederationGrpc.FederationBlockingStub stub;
  final BlockingQueue<Task> tasks = new LinkedBlockingQueue<>();
  final CompletableFuture<Status> streamEnd = new CompletableFuture<>();

  ScriptedNode(String site, ManagedChannel channel) {
    this.site = site;
    this.channel = channel;
    this.stub = FederationGrpc.newBlockingStub(channel);
    FederationGrpc.newStub(channel).subscribe(SubscribeRequest.getDefaultInstance(), new StreamObserver<>() {
      @Override
      public void onNext(Task t) {
        tasks.add(t);
      }

      @Override
      public void onError(Throwable e) {
        streamEnd.complete(Status.fromThrowable(e));
      }

      @Override
      public void onCompleted() {
        streamEnd.complete(Status.OK);
      }
    });
  }

  /** The next task, skipping none; fails the test after 20 s. */
  Task next() throws InterruptedException {
    Task t = tasks.poll(20, TimeUnit.SECONDS);
    if (t == null) {
      throw new AssertionError("site " + site + " got no task within 20 s");
    }
    return t;
  }

  @Override
  public void close() {
    channel.shutdownNow();
  }
}
