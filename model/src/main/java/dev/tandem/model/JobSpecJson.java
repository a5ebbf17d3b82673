package dev.tandem.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.Objects;

/**
 * The JSON form of a {@link JobSpec}, the same at the coordinator and every node.
 *
 * <p>Output is deterministic (fields in declaration order, label values sorted), so equal specs give
 * equal bytes and can be hashed. Thread-safe.
 */
public final class JobSpecJson {

  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .build();

  private JobSpecJson() {
  }

  /** The JSON text of {@code spec}. */
  public static String toJson(JobSpec spec) {
    Objects.requireNonNull(spec, "spec");
    try {
      return MAPPER.writeValueAsString(spec);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write job spec", e);
    }
  }

  /**
   * The job spec in {@code json}.
   *
   * @throws IllegalArgumentException when the text is not a valid job spec
   */
  public static JobSpec fromJson(String json) {
    Objects.requireNonNull(json, "json");
    try {
      return MAPPER.readValue(json, JobSpec.class);
    } catch (JsonProcessingException e) {
      Throwable cause = e.getCause() instanceof IllegalArgumentException iae ? iae : e;
      throw new IllegalArgumentException("invalid job spec: " + cause.getMessage(), e);
    }
  }
}
