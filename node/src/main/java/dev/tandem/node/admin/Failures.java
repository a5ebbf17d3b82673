package dev.tandem.node.admin;

import dev.tandem.node.consent.ConsentImportException;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Turns a failed request into a JSON error: {@link AdminError} keeps its status, invalid input
 * ({@link IllegalArgumentException}) is 400, a refused import lists its malformed lines, the
 * router's own 4xx get a message, anything else is logged and answered 500 without details.
 */
final class Failures implements Handler<RoutingContext> {
  private static final Logger LOG = Logger.getLogger(Failures.class.getName());

  private final BodyLimits limits;

  Failures(BodyLimits limits) {
    this.limits = limits;
  }

  @Override
  public void handle(RoutingContext ctx) {
    reply(ctx).send(ctx);
  }

  private Reply reply(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure instanceof AdminError e) {
      return Reply.error(e.status(), e.getMessage());
    }
    if (failure instanceof ConsentImportException e) {
      return importRefused(e);
    }
    if (failure instanceof IllegalArgumentException e) {
      return Reply.error(400, e.getMessage());
    }
    int status = ctx.statusCode();
    if (failure == null && status >= 400 && status < 500) {
      return routerError(ctx, status);
    }
    LOG.log(Level.WARNING, "admin API: a " + ctx.request().method() + " request failed", failure);
    return Reply.error(500, "internal error; the node's log has the details");
  }

  /** The answer to a request no route takes, or that the router refused before any handler. */
  Reply routerError(RoutingContext ctx, int status) {
    return switch (status) {
      case 404 -> Reply.error(404, "no such endpoint: " + ctx.request().method() + " " + ctx.request().path());
      case 405 -> Reply.error(405, "method " + ctx.request().method() + " is not allowed on " + ctx.request().path());
      case 413 -> Reply.error(413, "the request body is too large: this endpoint takes at most "
          + (AdminRoutes.IMPORT.equals(ctx.request().path()) ? limits.csvImport() : limits.json()) + " bytes");
      default -> Reply.error(status, "the request was refused (HTTP " + status + ")");
    };
  }

  private static Reply importRefused(ConsentImportException e) {
    JsonArray problems = new JsonArray();
    e.problems().forEach(p -> problems.add(new JsonObject().put("line", p.line()).put("message", p.message())));
    return Reply.error(400, new JsonObject().put("malformedLines", e.total()).put("problems", problems),
        e.getMessage());
  }
}
