package dev.tandem.node.admin;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RequestBody;
import java.util.Set;
import java.util.TreeSet;

/** A request's JSON object, read strictly: only the expected fields, strings where strings belong. */
final class JsonInput {
  private final JsonObject object;

  private JsonInput(JsonObject object) {
    this.object = object;
  }

  /**
   * Parses the body as a JSON object with no fields but {@code fields}.
   *
   * @throws AdminError 400 if it is empty, not JSON, not an object or has another field
   */
  static JsonInput parse(RequestBody body, Set<String> fields) {
    Buffer buffer = body == null ? null : body.buffer();
    if (buffer == null || buffer.length() == 0) {
      throw AdminError.badRequest("expected a JSON object with the fields " + new TreeSet<>(fields));
    }
    Object value;
    try {
      value = Json.decodeValue(buffer);
    } catch (DecodeException e) {
      throw AdminError.badRequest("the body is not valid JSON: "
          + e.getMessage().replaceFirst("^Failed to decode:", ""));
    }
    if (!(value instanceof JsonObject object)) {
      throw AdminError.badRequest("expected a JSON object with the fields " + new TreeSet<>(fields));
    }
    for (String name : object.fieldNames()) {
      if (!fields.contains(name)) {
        throw AdminError.badRequest("unknown field '" + name + "' (expected " + new TreeSet<>(fields) + ")");
      }
    }
    return new JsonInput(object);
  }

  /**
   * The string field {@code name}.
   *
   * @throws AdminError 400 if it is missing, null or not a string
   */
  String required(String name) {
    String value = optional(name);
    if (value == null) {
      throw AdminError.badRequest("missing field '" + name + "'");
    }
    return value;
  }

  /**
   * The string field {@code name}, or null if it is missing or null.
   *
   * @throws AdminError 400 if it is not a string
   */
  String optional(String name) {
    Object value = object.getValue(name);
    if (value == null) {
      return null;
    }
    if (!(value instanceof String s)) {
      throw AdminError.badRequest("field '" + name + "' must be a string");
    }
    return s;
  }
}
