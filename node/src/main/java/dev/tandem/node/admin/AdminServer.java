package dev.tandem.node.admin;

import dev.tandem.node.store.NodeStores;
import dev.tandem.node.vertical.scoring.SubjectScorer;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The node's admin HTTP API (Vert.x): consent import and changes, consent look-up, subject access,
 * audit export download, node status and scoring with vertical models, JSON in and out.
 *
 * <p>Binds to {@value AdminConfig#DEFAULT_HOST} unless configured otherwise. Every request needs
 * {@code Authorization: Bearer <token>}, the token being generated at the first start (32 bytes
 * from {@link java.security.SecureRandom}, base64url) into the configured token file, readable by
 * its owner only, and reused at later starts. Errors are {@code {"error": "..."}} with a 4xx status
 * and change nothing. Bodies are limited to 64 KiB of JSON (4 MiB for scoring) and 64 MiB of consent
 * CSV (413 beyond).
 *
 * <p>Endpoints: {@code GET /status}; {@code POST /consent/import} (CSV body);
 * {@code POST /consent/grant}, {@code /consent/revoke} ({@code {subject, purpose, evidence?,
 * policyVersion?}}); {@code POST /consent/erase} ({@code {subject}}); {@code GET /consent/{subject}};
 * {@code GET /subjects/{subject}/access}; {@code GET /audit/export}; {@code POST /v1/score}
 * ({@code {model, ids}}, up to 10,000 ids and 4 MiB; 503 when the server was started without a scorer).
 *
 * <p>The server owns its Vert.x instance, not the stores: close it before closing them. Thread-safe.
 */
public final class AdminServer implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(AdminServer.class.getName());
  private static final long TIMEOUT_SECONDS = 30;

  private final Vertx vertx;
  private final String host;
  private final int port;

  private AdminServer(Vertx vertx, String host, int port) {
    this.vertx = vertx;
    this.host = host;
    this.port = port;
  }

  /**
   * Starts the API and returns once it listens.
   *
   * @param stores the node's stores; used from worker threads, never closed by the server
   * @param status called on a worker thread for every {@code GET /status}; must be thread-safe
   * @throws IllegalStateException if the address cannot be bound or the token file is unsafe or malformed
   * @throws java.io.UncheckedIOException if the token file cannot be read or created
   */
  public static AdminServer start(AdminConfig config, NodeStores stores, Supplier<NodeStatus> status) {
    return start(config, stores, status, null, BodyLimits.DEFAULT);
  }

  /**
   * Starts the API with {@code POST /v1/score} served by {@code scorer}, and returns once it listens.
   *
   * @param scorer called on a worker thread for every scoring request; must be thread-safe
   * @throws IllegalStateException if the address cannot be bound or the token file is unsafe or malformed
   * @throws java.io.UncheckedIOException if the token file cannot be read or created
   */
  public static AdminServer start(AdminConfig config, NodeStores stores, Supplier<NodeStatus> status,
      SubjectScorer scorer) {
    return start(config, stores, status, Objects.requireNonNull(scorer, "scorer"), BodyLimits.DEFAULT);
  }

  static AdminServer start(AdminConfig config, NodeStores stores, Supplier<NodeStatus> status, BodyLimits limits) {
    return start(config, stores, status, null, limits);
  }

  static AdminServer start(AdminConfig config, NodeStores stores, Supplier<NodeStatus> status, SubjectScorer scorer,
      BodyLimits limits) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(stores, "stores");
    Objects.requireNonNull(status, "status");
    AdminToken token = AdminToken.loadOrCreate(config.tokenFile());
    Vertx vertx = Vertx.vertx(new VertxOptions()
        .setEventLoopPoolSize(1)
        .setWorkerPoolSize(2)
        .setFileSystemOptions(new FileSystemOptions()
            .setFileCachingEnabled(false)
            .setClassPathResolvingEnabled(false)));
    AdminVerticle verticle = new AdminVerticle(config, token, stores, status, scorer, limits);
    try {
      vertx.deployVerticle(verticle).toCompletionStage().toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException | InterruptedException e) {
      vertx.close();
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      throw new IllegalStateException("cannot start the node admin API on " + config.host() + ":" + config.port()
          + ": " + cause.getMessage(), cause);
    }
    if (!loopback(config.host())) {
      LOG.warning("the node admin API listens on " + config.host() + ", beyond this machine, over plain HTTP:"
          + " its bearer token can be read on the network");
    }
    LOG.info("node admin API listening on http://" + config.host() + ":" + verticle.port() + " (bearer token in "
        + config.tokenFile() + ")");
    return new AdminServer(vertx, config.host(), verticle.port());
  }

  /** The bound port (the one chosen when the configured port was 0). */
  public int port() {
    return port;
  }

  /** The bound address. */
  public String host() {
    return host;
  }

  /** Stops listening and waits for requests in progress to end (up to 30 seconds). Idempotent. */
  @Override
  public void close() {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      LOG.warning("the node admin API did not stop cleanly: " + e);
    }
  }

  private static boolean loopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
