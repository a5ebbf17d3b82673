package dev.tandem.model.vertical;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.tandem.model.LabelSpec;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The JSON form of a {@link VerticalJobSpec}, the same at the coordinator and every node.
 *
 * <pre>
 * {"jobId":"","purpose":"credit-risk",
 *  "guest":{"site":"bank","features":[{"name":"income","kind":"NUMERIC","categories":[]}]},
 *  "hosts":[{"site":"operator","features":[{"name":"plan","kind":"CATEGORICAL","categories":["a","b"]}]}],
 *  "label":{"column":"default","positiveValues":["yes"],"positiveAbove":null},
 *  "training":{"epochs":10,"batchSize":1024,"learningRate":0.15,"l2":0.01,"tolerance":1.0E-4},
 *  "keySize":"BITS_2048","seed":7}
 * </pre>
 *
 * <p>Features and the label have the shapes {@code JobSpecJson} gives them. On input {@code jobId}
 * may be omitted (empty), {@code keySize} too ({@link VerticalJobSpec#DEFAULT_KEY_SIZE}), and
 * {@code training} or any of its fields (from {@link VerticalTraining#defaults()}); every other
 * property is required and unknown properties are refused. Output is deterministic (every field, in
 * the order above, label values sorted), so equal specs give equal bytes and can be hashed.
 * Thread-safe.
 */
public final class VerticalJobSpecJson {

  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  private VerticalJobSpecJson() {
  }

  /** The JSON text of {@code spec}. */
  public static String toJson(VerticalJobSpec spec) {
    Objects.requireNonNull(spec, "spec");
    VerticalTraining t = spec.training();
    Document d = new Document(spec.jobId(), spec.purpose(), spec.guest(), spec.hosts(), spec.label(),
        new Training(t.epochs(), t.batchSize(), t.learningRate(), t.l2(), t.tolerance()), spec.keySize(),
        spec.seed());
    try {
      return MAPPER.writeValueAsString(d);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write vertical job spec", e);
    }
  }

  /**
   * The vertical job spec in {@code json}.
   *
   * @throws IllegalArgumentException naming the bad or missing property when the text is not a valid
   *     vertical job spec
   */
  public static VerticalJobSpec fromJson(String json) {
    Objects.requireNonNull(json, "json");
    try {
      Document d = MAPPER.readValue(json, Document.class);
      if (d == null) {
        throw new IllegalArgumentException("expected a JSON object");
      }
      return d.toSpec();
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("invalid vertical job spec: " + describe(e), e);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid vertical job spec: " + e.getMessage(), e);
    } catch (NullPointerException e) {
      throw new IllegalArgumentException("invalid vertical job spec: hosts must not hold null", e);
    }
  }

  private static String describe(JsonProcessingException e) {
    String where = e instanceof JsonMappingException m && !m.getPath().isEmpty() ? " (at " + path(m) + ")" : "";
    if (e instanceof UnrecognizedPropertyException u) {
      return "unknown property '" + path(u) + "', known: "
          + new TreeSet<>(u.getKnownPropertyIds().stream().map(String::valueOf).toList());
    }
    if (e instanceof MismatchedInputException m && m.getTargetType() == Document.class) {
      return "expected a JSON object";
    }
    Throwable cause = e.getCause();
    if (cause instanceof IllegalArgumentException) {
      return cause.getMessage() + where;
    }
    if (cause instanceof NullPointerException && cause.getMessage() != null) {
      return "missing property '" + cause.getMessage() + "'" + where;
    }
    return e.getOriginalMessage() + where;
  }

  private static String path(JsonMappingException e) {
    StringBuilder out = new StringBuilder();
    for (JsonMappingException.Reference r : e.getPath()) {
      if (r.getFieldName() != null) {
        out.append(out.length() == 0 ? "" : ".").append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        out.append('[').append(r.getIndex()).append(']');
      }
    }
    return out.toString();
  }

  private static <T> T required(T value, String name) {
    if (value == null) {
      throw new IllegalArgumentException("missing property '" + name + "'");
    }
    return value;
  }

  /** The document as written; nullable where input may omit a property. */
  record Document(String jobId, String purpose, VerticalParty guest, List<VerticalParty> hosts, LabelSpec label,
                  Training training, String keySize, Long seed) {

    VerticalJobSpec toSpec() {
      VerticalTraining t = training == null ? VerticalTraining.defaults() : training.withDefaults();
      return new VerticalJobSpec(jobId == null ? "" : jobId, required(purpose, "purpose"),
          required(guest, "guest"), required(hosts, "hosts"), required(label, "label"), t,
          keySize == null ? "" : keySize, required(seed, "seed"));
    }
  }

  /** The training settings as written; an omitted one takes its default. */
  record Training(Integer epochs, Integer batchSize, Double learningRate, Double l2, Double tolerance) {

    VerticalTraining withDefaults() {
      VerticalTraining d = VerticalTraining.defaults();
      return new VerticalTraining(epochs == null ? d.epochs() : epochs,
          batchSize == null ? d.batchSize() : batchSize,
          learningRate == null ? d.learningRate() : learningRate,
          l2 == null ? d.l2() : l2,
          tolerance == null ? d.tolerance() : tolerance);
    }
  }
}
