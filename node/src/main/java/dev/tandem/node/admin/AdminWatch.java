package dev.tandem.node.admin;

import dev.tandem.node.watch.Access;
import dev.tandem.node.watch.AccessKind;
import dev.tandem.node.watch.AccessWatch;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.Objects;
import java.util.Optional;

/**
 * Counts every authenticated admin call with the leak watch (partner {@link AccessWatch#ADMIN}): audit
 * exports and subject-access reports as exports, the other calls that read or change records as admin
 * calls; while an alert blocks the admin API they are refused with 403 naming it. {@code /status} and
 * {@code /v1/alerts} are neither counted nor blocked, so that an operator can always see and clear alerts.
 */
final class AdminWatch implements Handler<RoutingContext> {
  private final AccessWatch watch;
  private final Worker worker;

  AdminWatch(AccessWatch watch, Worker worker) {
    this.watch = Objects.requireNonNull(watch, "watch");
    this.worker = Objects.requireNonNull(worker, "worker");
  }

  @Override
  public void handle(RoutingContext ctx) {
    String path = ctx.request().path();
    if (path.equals("/status") || path.equals(AlertHandlers.PATH) || path.startsWith(AlertHandlers.PATH + "/")) {
      ctx.next();
      return;
    }
    AccessKind kind = path.equals("/audit/export") ? AccessKind.AUDIT_EXPORT
        : path.startsWith("/subjects/") ? AccessKind.SUBJECT_EXPORT : AccessKind.ADMIN;
    Access access = Access.of(AccessWatch.ADMIN, null, kind);
    // the body handlers of the routes come after this asynchronous step: they resume the request
    ctx.request().pause();
    worker.proceed(ctx, () -> {
      Optional<String> refusal = watch.admit(access);
      if (refusal.isEmpty()) {
        return Optional.empty();
      }
      watch.refused(access);
      return Optional.of(Reply.error(403, refusal.get()));
    });
  }
}
