package dev.tandem.node.admin;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One answer of the admin API: status, JSON body and extra headers.
 *
 * @param status the HTTP status
 * @param json the body, JSON text
 * @param headers extra response headers (copied)
 */
record Reply(int status, String json, Map<String, String> headers) {
  Reply {
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("HTTP status must be 100 to 599, got " + status);
    }
    Objects.requireNonNull(json, "json");
    headers = Map.copyOf(headers);
  }

  /** 200 with {@code body}. */
  static Reply ok(JsonObject body) {
    return new Reply(200, body.encodePrettily() + "\n", Map.of());
  }

  /** 200 with JSON text made elsewhere. */
  static Reply okJson(String json) {
    return new Reply(200, json, Map.of());
  }

  /** {@code status} with {@code {"error": message}}. */
  static Reply error(int status, String message) {
    return error(status, new JsonObject(), message);
  }

  /** {@code status} with {@code details} and {@code "error": message}. */
  static Reply error(int status, JsonObject details, String message) {
    JsonObject body = new JsonObject().put("error", message).mergeIn(details);
    return new Reply(status, body.encodePrettily() + "\n", Map.of());
  }

  /** This reply with one more header. */
  Reply withHeader(String name, String value) {
    Map<String, String> h = new LinkedHashMap<>(headers);
    h.put(name, value);
    return new Reply(status, json, h);
  }

  /** Sends this reply unless the response is already over (the client may have gone). */
  void send(RoutingContext ctx) {
    HttpServerResponse response = ctx.response();
    if (response.ended() || response.closed()) {
      return;
    }
    response.setStatusCode(status)
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .putHeader("X-Content-Type-Options", "nosniff");
    headers.forEach(response::putHeader);
    response.end(json);
  }
}
