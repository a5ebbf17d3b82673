package dev.tandem.cli.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tandem.model.DpSpec;
import dev.tandem.model.FeatureSpec;
import dev.tandem.model.JobSpec;
import dev.tandem.model.LabelSpec;
import dev.tandem.model.ModelSpec;
import dev.tandem.model.PrivacySpec;
import dev.tandem.model.vertical.VerticalJobSpec;
import dev.tandem.model.vertical.VerticalJobSpecJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import dev.tandem.node.config.YamlLines;

/**
 * Reads a job definition from YAML: a horizontal job, or a vertical one when the file has a
 * {@code guest} key.
 *
 * <p>A horizontal job:
 *
 * <pre>
 * purpose: churn
 * model: {type: logistic_regression, l2: 0.0001}      # or {type: mlp, hiddenUnits: 16, l2: 0.0001}
 * features:
 *   - tenure                                          # numeric
 *   - {name: Contract, categories: [Month-to-month, One year, Two year]}
 * label: {column: Churn, positive: ["Yes"]}           # or {column: num, positiveAbove: 0}
 * sites: [branch-north, branch-south, branch-east]
 * rounds: 20
 * localEpochs: 1
 * learningRate: 0.05
 * batchSize: 32
 * minSites: 2
 * seed: 7
 * privacy:                                            # optional
 *   secureAggregation: true                           # the coordinator learns only the sum (default: SECURE_DEFAULT)
 *   dp: {noiseMultiplier: 1.1, maxGradNorm: 1.0, delta: 1.0e-5}   # DP-SGD at every site
 *   #   distributed: true     one noisy step per round, each site adding a share of the noise (secure aggregation)
 *   #   featureRanges: {tenure: [0, 72]}   the public range of each numeric feature, for the DP statistics
 * </pre>
 *
 * <p>Every key is checked: an unknown or misspelled key, or a value of the wrong type, is refused with
 * its line (a {@code privacy: {differentialPrivacy: ...}} must not train without noise).
 *
 * <p>A vertical job is {@link VerticalJobSpecJson}'s JSON (or the same mapping written as YAML):
 *
 * <pre>
 * {"purpose": "credit-risk",
 *  "guest": {"site": "bank", "features": [{"name": "income", "kind": "NUMERIC"}]},
 *  "hosts": [{"site": "operator", "features": [{"name": "plan", "kind": "CATEGORICAL", "categories": ["a", "b"]}]}],
 *  "label": {"column": "default", "positiveValues": ["yes"]},
 *  "training": {"epochs": 10, "batchSize": 1024, "learningRate": 0.15, "l2": 0.01, "tolerance": 1.0e-4},
 *  "keySize": "BITS_2048",
 *  "seed": 7}
 * </pre>
 */
public final class JobFile {
  private static final Set<String> KEYS = Set.of("id", "purpose", "model", "features", "label", "sites", "rounds",
      "localEpochs", "learningRate", "batchSize", "minSites", "seed", "privacy");

  private JobFile() {}

  /**
   * Parses the file.
   *
   * @throws IllegalArgumentException naming the file and the bad key
   */
  public static JobSpec load(Path file) {
    try {
      return parse(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read job file " + file + ": " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  /** A parsed job file: a horizontal or a vertical job. */
  public sealed interface Definition permits Horizontal, Vertical {}

  /** A horizontal job: every site holds all the features of its own subjects. */
  public record Horizontal(JobSpec spec) implements Definition {}

  /** A vertical job: the parties hold different features of the same subjects. */
  public record Vertical(VerticalJobSpec spec) implements Definition {}

  /**
   * Parses the file, horizontal or vertical.
   *
   * @throws IllegalArgumentException naming the file and the bad key
   */
  public static Definition loadDefinition(Path file) {
    try {
      return parseDefinition(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read job file " + file + ": " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Parses a job definition: vertical when it has a {@code guest} key, else horizontal.
   *
   * @throws IllegalArgumentException naming the bad key
   */
  public static Definition parseDefinition(String text) {
    JsonNode root = tree(text);
    return root.has("guest") ? new Vertical(vertical(root)) : new Horizontal(horizontal(root, YamlLines.of(text)));
  }

  /**
   * Parses a horizontal job definition.
   *
   * @throws IllegalArgumentException naming the bad key, or when the definition is a vertical job
   */
  public static JobSpec parse(String yaml) {
    JsonNode root = tree(yaml);
    if (root.has("guest")) {
      throw new IllegalArgumentException("this is a vertical job (it has a 'guest' key), not a horizontal one");
    }
    return horizontal(root, YamlLines.of(yaml));
  }

  private static JsonNode tree(String yaml) {
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(yaml);
    } catch (IOException e) {
      throw new IllegalArgumentException("not valid YAML: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("expected a YAML mapping");
    }
    return root;
  }

  private static VerticalJobSpec vertical(JsonNode root) {
    try {
      return VerticalJobSpecJson.fromJson(new ObjectMapper().writeValueAsString(root));
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the vertical job: " + e.getMessage(), e);
    }
  }

  private static final Set<String> MODEL_KEYS = Set.of("type", "l2", "hiddenUnits");
  private static final Set<String> FEATURE_KEYS = Set.of("name", "categories");
  private static final Set<String> LABEL_KEYS = Set.of("column", "positive", "positiveAbove");
  private static final Set<String> PRIVACY_KEYS = Set.of("secureAggregation", "dp");
  private static final Set<String> DP_KEYS = Set.of("noiseMultiplier", "maxGradNorm", "delta");
  /** Keys of privacy.dp that are not numbers. */
  private static final Set<String> DP_OTHER_KEYS = Set.of("distributed", "featureRanges");
  private static final Set<String> INTEGERS = Set.of("rounds", "localEpochs", "batchSize", "minSites", "seed");

  /**
   * Refuses a key of {@code node} (at {@code path}, "" for the top level) that is not in {@code known}:
   * a misspelled key must not silently fall back to a default (a misspelled {@code dp} would train
   * without noise).
   */
  private static void known(JsonNode node, String path, Set<String> known, YamlLines lines) {
    String where = path.isEmpty() ? "" : path + ".";
    if (!node.isObject()) {
      throw new IllegalArgumentException(lines.at(path) + (path.isEmpty() ? "the job" : path)
          + " must be a mapping of " + new TreeSet<>(known));
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!known.contains(key)) {
        throw new IllegalArgumentException(lines.at(where + key) + "unknown key '" + where + key + "' (known: "
            + new TreeSet<>(known) + ")");
      }
    }
  }

  private static void number(JsonNode node, String path, String key, boolean integer, YamlLines lines) {
    JsonNode v = node.get(key);
    if (v != null && !v.isNull() && !(integer ? v.canConvertToLong() && v.isIntegralNumber() : v.isNumber())) {
      String at = path.isEmpty() ? key : path + "." + key;
      throw new IllegalArgumentException(lines.at(at) + at + " must be " + (integer ? "a whole number" : "a number")
          + ", got '" + v.asText() + "'");
    }
  }

  private static JobSpec horizontal(JsonNode root, YamlLines lines) {
    known(root, "", KEYS, lines);
    for (String key : INTEGERS) {
      number(root, "", key, true, lines);
    }
    number(root, "", "learningRate", false, lines);
    known(required(root, "model"), "model", MODEL_KEYS, lines);
    number(root.get("model"), "model", "l2", false, lines);
    number(root.get("model"), "model", "hiddenUnits", true, lines);
    JsonNode featureList = required(root, "features");
    for (int i = 0; i < featureList.size(); i++) {
      if (!featureList.get(i).isTextual()) {
        known(featureList.get(i), "features[" + i + "]", FEATURE_KEYS, lines);
      }
    }
    known(required(root, "label"), "label", LABEL_KEYS, lines);
    number(root.get("label"), "label", "positiveAbove", false, lines);
    JsonNode p = root.path("privacy");
    if (!p.isMissingNode() && !p.isNull()) {
      known(p, "privacy", PRIVACY_KEYS, lines);
      JsonNode secure = p.path("secureAggregation");
      if (!secure.isMissingNode() && !secure.isBoolean()) {
        throw new IllegalArgumentException(lines.at("privacy.secureAggregation")
            + "privacy.secureAggregation must be true or false, got '" + secure.asText() + "'");
      }
      JsonNode d = p.path("dp");
      if (!d.isMissingNode() && !d.isNull()) {
        Set<String> dpKeys = new java.util.HashSet<>(DP_KEYS);
        dpKeys.addAll(DP_OTHER_KEYS);
        known(d, "privacy.dp", dpKeys, lines);
        for (String key : DP_KEYS) {
          number(d, "privacy.dp", key, false, lines);
        }
        JsonNode distributed = d.path("distributed");
        if (!distributed.isMissingNode() && !distributed.isBoolean()) {
          throw new IllegalArgumentException(lines.at("privacy.dp.distributed")
              + "privacy.dp.distributed must be true or false, got '" + distributed.asText() + "'");
        }
        JsonNode ranges = d.path("featureRanges");
        if (!ranges.isMissingNode() && !ranges.isObject()) {
          throw new IllegalArgumentException(lines.at("privacy.dp.featureRanges")
              + "privacy.dp.featureRanges must map each numeric feature to [lower, upper]");
        }
      }
    }
    JsonNode model = required(root, "model");
    String type = required(model, "type").asText().toLowerCase();
    double l2 = model.path("l2").asDouble(0);
    ModelSpec modelSpec = switch (type) {
      case "logistic_regression", "lr" -> ModelSpec.logisticRegression(l2);
      case "mlp" -> ModelSpec.mlp(required(model, "hiddenUnits").asInt(), l2);
      default -> throw new IllegalArgumentException("model.type must be logistic_regression or mlp, got " + type);
    };
    List<FeatureSpec> features = new ArrayList<>();
    for (JsonNode f : required(root, "features")) {
      if (f.isTextual()) {
        features.add(FeatureSpec.numeric(f.asText()));
      } else if (f.has("categories")) {
        List<String> cats = new ArrayList<>();
        f.get("categories").forEach(c -> cats.add(c.asText()));
        features.add(FeatureSpec.categorical(required(f, "name").asText(), cats));
      } else {
        features.add(FeatureSpec.numeric(required(f, "name").asText()));
      }
    }
    JsonNode label = required(root, "label");
    LabelSpec labelSpec;
    if (label.has("positiveAbove")) {
      labelSpec = LabelSpec.positiveAbove(required(label, "column").asText(), label.get("positiveAbove").asDouble());
    } else {
      Set<String> positive = new LinkedHashSet<>();
      required(label, "positive").forEach(v -> positive.add(v.asText()));
      labelSpec = new LabelSpec(required(label, "column").asText(), positive, null);
    }
    List<String> sites = new ArrayList<>();
    required(root, "sites").forEach(s -> sites.add(s.asText()));
    return new JobSpec(root.path("id").asText(""), required(root, "purpose").asText(), modelSpec, features,
        labelSpec, sites, root.path("rounds").asInt(10), root.path("localEpochs").asInt(1),
        root.path("learningRate").asDouble(0.05), root.path("batchSize").asInt(32),
        root.path("minSites").asInt(sites.size()), root.path("seed").asLong(1), privacy(root.path("privacy")));
  }

  /** Whether a job file without a {@code privacy.secureAggregation} key gets secure aggregation. */
  public static final boolean SECURE_DEFAULT = true;

  private static PrivacySpec privacy(JsonNode p) {
    if (p.isMissingNode() || p.isNull()) {
      return new PrivacySpec(SECURE_DEFAULT, null);
    }
    DpSpec dp = null;
    JsonNode d = p.path("dp");
    if (!d.isMissingNode() && !d.isNull()) {
      java.util.Map<String, DpSpec.Range> ranges = new java.util.TreeMap<>();
      JsonNode r = d.path("featureRanges");
      for (java.util.Iterator<java.util.Map.Entry<String, JsonNode>> it = r.fields(); it.hasNext(); ) {
        java.util.Map.Entry<String, JsonNode> e = it.next();
        JsonNode v = e.getValue();
        if (!v.isArray() || v.size() != 2 || !v.get(0).isNumber() || !v.get(1).isNumber()) {
          throw new IllegalArgumentException("privacy.dp.featureRanges." + e.getKey() + " must be [lower, upper]");
        }
        ranges.put(e.getKey(), new DpSpec.Range(v.get(0).asDouble(), v.get(1).asDouble()));
      }
      dp = new DpSpec(required(d, "noiseMultiplier").asDouble(), required(d, "maxGradNorm").asDouble(),
          d.path("delta").asDouble(1e-5), d.path("distributed").asBoolean(false), ranges);
    }
    return new PrivacySpec(p.path("secureAggregation").asBoolean(SECURE_DEFAULT), dp);
  }

  private static JsonNode required(JsonNode node, String key) {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      throw new IllegalArgumentException("missing key '" + key + "'");
    }
    return v;
  }
}
