package dev.tandem.node.admin;

import dev.tandem.node.store.NodeStores;
import dev.tandem.node.vertical.scoring.SubjectScorer;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** Serves the admin routes over HTTP on the configured address; blocking work goes to its own worker pool. */
final class AdminVerticle extends VerticleBase {
  /** Worker threads for database work; the registry serializes its writes anyway. */
  private static final int WORKERS = 4;
  /** A 1,000,000-row import must not be reported as a blocked thread. */
  private static final long MAX_WORK_MINUTES = 15;

  private final AdminConfig config;
  private final AdminToken token;
  private final NodeStores stores;
  private final Supplier<NodeStatus> status;
  private final SubjectScorer scorer;
  private final BodyLimits limits;
  private WorkerExecutor workers;
  private volatile int port = -1;

  AdminVerticle(AdminConfig config, AdminToken token, NodeStores stores, Supplier<NodeStatus> status,
      SubjectScorer scorer, BodyLimits limits) {
    this.config = config;
    this.token = token;
    this.stores = stores;
    this.status = status;
    this.scorer = scorer;
    this.limits = limits;
  }

  @Override
  public Future<?> start() {
    workers = vertx.createSharedWorkerExecutor("tandem-admin", WORKERS, MAX_WORK_MINUTES, TimeUnit.MINUTES);
    return vertx.createHttpServer(new HttpServerOptions())
        .requestHandler(AdminRoutes.router(vertx, token, stores, status, scorer, limits, new Worker(workers)))
        .listen(config.port(), config.host())
        .onSuccess(server -> port = server.actualPort());
  }

  @Override
  public Future<?> stop() {
    return workers.close();
  }

  /** The bound port, once started. */
  int port() {
    return port;
  }
}
