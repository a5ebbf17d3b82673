package dev.tandem.node.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tandem.certs.testing.TestPki;
import dev.tandem.node.config.NodeConfig;
import dev.tandem.node.data.DataSourceConfig;
import dev.tandem.node.store.NodeStores;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A node's stores over an H2 file in a temporary folder, an admin server on a free port, and a client. */
final class AdminFixture implements AutoCloseable {
  static final String SITE = "branch-north";

  final TestPki pki = TestPki.create();
  final NodeConfig config;
  final NodeStores stores;
  final Path tokenFile;
  final AtomicLong jobsSeen = new AtomicLong();
  /** When set, the status supplier throws it. */
  volatile RuntimeException statusFailure;
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  AdminServer server;

  AdminFixture(Path dir) {
    this(dir, BodyLimits.DEFAULT);
  }

  AdminFixture(Path dir, BodyLimits limits) {
    TestPki.SiteFiles files = pki.writeSite(dir.resolve("pki"), pki.node(SITE));
    config = new NodeConfig(SITE, "127.0.0.1:7443",
        new NodeConfig.TlsFiles(files.cert(), files.key(), files.ca(), files.crl()),
        DataSourceConfig.of(dir.resolve("records.csv"), "customerID"),
        NodeConfig.databaseUrl(dir, "node-db"), NodeConfig.DEFAULT_MAX_MESSAGE_BYTES);
    stores = NodeStores.open(config, Clock.systemUTC());
    tokenFile = dir.resolve("admin").resolve("admin-token");
    server = AdminServer.start(AdminConfig.loopback(0, tokenFile), stores, this::status, limits);
  }

  NodeStatus status() {
    if (statusFailure != null) {
      throw statusFailure;
    }
    return new NodeStatus(config.site(), config.coordinator(), true, 1234, jobsSeen.get(), config.policy());
  }

  String token() {
    try {
      return Files.readString(tokenFile, StandardCharsets.US_ASCII).strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Response get(String path) {
    return send(HttpRequest.newBuilder(uri(path)).GET(), "Bearer " + token());
  }

  Response post(String path, String body) {
    return post(path, body.getBytes(StandardCharsets.UTF_8));
  }

  Response post(String path, byte[] body) {
    return send(HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofByteArray(body)),
        "Bearer " + token());
  }

  /** Sends with the given Authorization header (none if null). */
  Response send(HttpRequest.Builder request, String authorization) {
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    try {
      HttpResponse<String> r = client.send(request.timeout(Duration.ofSeconds(60)).build(),
          HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      return new Response(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""),
          r.headers().firstValue("Content-Disposition").orElse(null), r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  /** A subject id as one path segment. */
  static String segment(String subject) {
    return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** Restarts the server on the same stores and token file. */
  void restart() {
    server.close();
    server = AdminServer.start(AdminConfig.loopback(0, tokenFile), stores, this::status);
  }

  @Override
  public void close() {
    server.close();
    stores.close();
  }

  /** One HTTP answer. */
  record Response(int status, String contentType, String contentDisposition, String body) {
    JsonObject json() {
      assertEquals("application/json; charset=utf-8", contentType, body);
      return new JsonObject(body);
    }

    /** Asserts the status and returns the JSON body. */
    JsonObject expect(int expected) {
      assertEquals(expected, status, body);
      return json();
    }
  }
}
