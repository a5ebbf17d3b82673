package dev.tandem.node.admin;

import io.vertx.core.WorkerExecutor;
import io.vertx.ext.web.RoutingContext;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * Runs a request's blocking work (database, files) on the admin worker pool, never on the event
 * loop, and sends its reply from the event loop; a failure goes to the router's failure handler.
 */
final class Worker {
  private final WorkerExecutor executor;

  Worker(WorkerExecutor executor) {
    this.executor = Objects.requireNonNull(executor, "executor");
  }

  /** Answers {@code ctx} with what {@code work} returns, or fails it with what it throws. */
  void answer(RoutingContext ctx, Callable<Reply> work) {
    executor.executeBlocking(work, false).onComplete(result -> {
      if (result.succeeded()) {
        result.result().send(ctx);
      } else {
        ctx.fail(result.cause());
      }
    });
  }

  /**
   * Runs {@code check} off the event loop: sends the reply it returns, or passes the request on when
   * empty. The request, paused by the caller so that a body handler after this step sees its data, is
   * resumed in every case.
   */
  void proceed(RoutingContext ctx, Callable<Optional<Reply>> check) {
    executor.executeBlocking(check, false).onComplete(result -> {
      if (result.failed()) {
        ctx.request().resume();
        ctx.fail(result.cause());
      } else if (result.result().isPresent()) {
        ctx.request().resume();
        result.result().get().send(ctx);
      } else {
        ctx.next();
        // after the next handlers have started: a body handler has taken the request's data by now
        ctx.request().resume();
      }
    });
  }
}
