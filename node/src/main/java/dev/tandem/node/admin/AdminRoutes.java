package dev.tandem.node.admin;

import dev.tandem.node.store.NodeStores;
import dev.tandem.node.vertical.scoring.SubjectScorer;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.function.Supplier;

/**
 * The admin API's routes: authentication first, then the leak watch ({@link AdminWatch}), then a body limit per
 * endpoint, then one small handler each.
 */
final class AdminRoutes {
  static final String IMPORT = "/consent/import";

  private AdminRoutes() {}

  static Router router(Vertx vertx, AdminToken token, NodeStores stores, Supplier<NodeStatus> status,
      SubjectScorer scorer, BodyLimits limits, Worker worker) {
    StatusHandler node = new StatusHandler(status, stores.audit(), worker);
    ConsentHandlers consent = new ConsentHandlers(stores.consent(), stores.pseudonyms(), worker);
    AuditHandlers audit = new AuditHandlers(stores, worker);
    ScoreHandlers score = new ScoreHandlers(scorer, worker);
    AlertHandlers alerts = new AlertHandlers(stores.watch(), worker);
    BodyHandler json = BodyHandler.create(false).setBodyLimit(limits.json());
    BodyHandler csv = BodyHandler.create(false).setBodyLimit(limits.csvImport());
    Failures failures = new Failures(limits);

    Router router = Router.router(vertx);
    // failure handlers run in route order: this one states the score endpoint's own body limit
    router.post(ScoreHandlers.PATH).failureHandler(score::tooLarge);
    router.route().handler(new BearerAuth(token)).failureHandler(failures);
    router.route().handler(new AdminWatch(stores.watch(), worker));
    router.get("/status").handler(node::show);
    router.post(IMPORT).handler(csv).handler(consent::importCsv);
    router.post("/consent/grant").handler(json).handler(consent::grant);
    router.post("/consent/revoke").handler(json).handler(consent::revoke);
    router.post("/consent/erase").handler(json).handler(consent::erase);
    router.get("/consent/:subject").handler(consent::show);
    router.get("/subjects/:subject/access").handler(audit::subjectAccess);
    router.get("/audit/export").handler(audit::export);
    router.post(ScoreHandlers.PATH).handler(BodyHandler.create(false).setBodyLimit(ScoreHandlers.MAX_BODY))
        .handler(score::score);
    router.get(AlertHandlers.PATH).handler(alerts::list);
    router.post(AlertHandlers.PATH + "/:id/clear").handler(alerts::clear);
    router.errorHandler(404, ctx -> failures.routerError(ctx, 404).send(ctx));
    router.errorHandler(405, ctx -> failures.routerError(ctx, 405).send(ctx));
    return router;
  }
}
