package dev.tandem.node.admin;

import dev.tandem.node.watch.AccessWatch;
import dev.tandem.node.watch.Alert;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Objects;

/** The leak alerts: {@code GET /v1/alerts} lists them, {@code POST /v1/alerts/:id/clear} clears one. */
final class AlertHandlers {
  static final String PATH = "/v1/alerts";

  private final AccessWatch watch;
  private final Worker worker;

  AlertHandlers(AccessWatch watch, Worker worker) {
    this.watch = Objects.requireNonNull(watch, "watch");
    this.worker = Objects.requireNonNull(worker, "worker");
  }

  /** {@code GET /v1/alerts[?all=true]}: the open alerts (every alert with {@code all}), newest first. */
  void list(RoutingContext ctx) {
    String all = ctx.request().getParam("all");
    if (all != null && !all.equals("true") && !all.equals("false")) {
      throw AdminError.badRequest("all must be true or false, got '" + all + "'");
    }
    worker.answer(ctx, () -> {
      JsonArray alerts = new JsonArray();
      watch.alerts("true".equals(all)).forEach(a -> alerts.add(json(a)));
      return Reply.ok(new JsonObject().put("alerts", alerts));
    });
  }

  /** {@code POST /v1/alerts/:id/clear}: 404 for an unknown alert, 409 for one already cleared. */
  void clear(RoutingContext ctx) {
    long id;
    try {
      id = Long.parseLong(ctx.pathParam("id"));
    } catch (NumberFormatException e) {
      throw AdminError.badRequest("an alert id is a whole number, got '" + ctx.pathParam("id") + "'");
    }
    worker.answer(ctx, () -> {
      try {
        Alert a = watch.clear(id, "admin-api").orElseThrow(() -> AdminError.notFound("no leak alert " + id));
        return Reply.ok(json(a));
      } catch (IllegalStateException e) {
        if (watch.alert(id).map(Alert::open).orElse(true)) {
          throw e;
        }
        throw AdminError.conflict(e.getMessage());
      }
    });
  }

  static JsonObject json(Alert a) {
    return new JsonObject()
        .put("id", a.id())
        .put("raisedAt", a.raisedAt().toString())
        .put("partner", a.partner())
        .put("purpose", a.purpose())
        .put("rule", a.rule().name())
        .put("detail", a.detail())
        .put("blocking", a.blocking())
        .put("open", a.open())
        .put("auditSeq", a.auditSeq())
        .put("clearedAt", a.clearedAt() == null ? null : a.clearedAt().toString())
        .put("clearedBy", a.clearedBy());
  }
}
