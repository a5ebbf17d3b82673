package dev.tandem.cli.score;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * A client of a node's admin HTTP API: JSON requests with the bearer token read from the node's token
 * file. An answer other than 2xx becomes an {@link IllegalStateException} with the node's error message.
 */
public final class AdminApi {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI base;
  private final String token;
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  private AdminApi(URI base, String token) {
    this.base = base;
    this.token = token;
  }

  /**
   * A client of the API at {@code url} (e.g. {@code http://127.0.0.1:7480}) with the token in {@code tokenFile}.
   *
   * @throws IllegalArgumentException if the URL is not http(s) or the token file is missing or empty
   */
  public static AdminApi connect(String url, Path tokenFile) {
    Objects.requireNonNull(url, "url");
    URI uri;
    try {
      uri = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--admin-url '" + url + "' is not a URL: " + e.getMessage());
    }
    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
      throw new IllegalArgumentException("--admin-url must be http://HOST:PORT, got '" + url + "'");
    }
    String token;
    try {
      token = Files.readString(tokenFile, StandardCharsets.US_ASCII).strip();
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("no such token file: " + tokenFile);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the token file " + tokenFile + ": " + e.getMessage(), e);
    }
    if (token.isEmpty()) {
      throw new IllegalArgumentException("the token file " + tokenFile + " is empty");
    }
    return new AdminApi(uri, token);
  }

  /**
   * POSTs {@code body} to {@code path} and returns the JSON answer.
   *
   * @param timeout how long to wait for the answer
   * @throws IllegalStateException with the node's error for an answer other than 2xx, or when the node
   *     cannot be reached
   */
  public JsonNode post(String path, Object body, Duration timeout) {
    HttpRequest request;
    try {
      request = HttpRequest.newBuilder(base.resolve(base.getPath() + path)).timeout(timeout)
          .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))).build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return send(request);
  }

  /**
   * GETs {@code path} and returns the JSON answer.
   *
   * @throws IllegalStateException as {@link #post} does
   */
  public JsonNode get(String path, Duration timeout) {
    return send(HttpRequest.newBuilder(base.resolve(base.getPath() + path)).timeout(timeout)
        .header("Authorization", "Bearer " + token).GET().build());
  }

  private JsonNode send(HttpRequest request) {
    HttpResponse<String> response;
    try {
      response = client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException("cannot reach the node's admin API at " + base + ": "
          + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the node's admin API", e);
    }
    JsonNode answer;
    try {
      answer = JSON.readTree(response.body());
    } catch (IOException e) {
      throw new IllegalStateException("the node's admin API answered HTTP " + response.statusCode()
          + " with no JSON: " + abbreviate(response.body()));
    }
    if (response.statusCode() / 100 != 2) {
      String error = answer.path("error").asText(abbreviate(response.body()));
      throw new IllegalStateException("the node answered HTTP " + response.statusCode() + ": " + error);
    }
    return answer;
  }

  private static String abbreviate(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "...";
  }
}
