package dev.tandem.node.admin;

import io.vertx.core.WorkerExecutor;
import io.vertx.ext.web.RoutingContext;
import java.util.Objects;
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
}
