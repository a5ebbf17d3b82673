package dev.tandem.cli.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tandem.model.DpSpec;
import dev.tandem.model.FeatureSpec;
import dev.tandem.model.JobSpec;
import dev.tandem.model.LabelSpec;
import dev.tandem.model.ModelSpec;
import dev.tandem.model.PrivacySpec;
import dev.tandem.model.vertical.VerticalJobSpec;
import dev.tandem.model.vertical.VerticalJobSpecJson;
import dev.tandem.model.yaml.YamlLines;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import dev.tandem.model.yaml.YamlLines;

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
 * <p>Every key is checked: an unknown or misspelt key at any depth is refused with its line and the key
 * it probably meant (a {@code privacy: {differentialPrivacy: ...}} must not train without noise); so is
 * a value of the wrong type, a number out of its range (rounds in [1, 1000000], ...), and a category or
 * positive label value that YAML reads as a boolean or null (unquoted {@code no}, {@code yes}, {@code on},
 * {@code ~}: quote it). A category written as a number keeps its text as written ({@code 1.0},
 * {@code 0123}), not YAML's reading of it.
 *
 * <p>A vertical job has a {@code guest} and {@code hosts} instead of {@code sites}, and declares
 * features and its label with the same syntax:
 *
 * <pre>
 * purpose: credit-risk
 * guest: {site: bank, features: [income]}
 * hosts:
 *   - {site: operator, features: [{name: plan, categories: [a, b]}]}
 * label: {column: default, positive: ["yes"]}
 * training: {epochs: 10, batchSize: 1024, learningRate: 0.15, l2: 0.01, tolerance: 1.0e-4}
 * keySize: BITS_2048
 * seed: 7
 * </pre>
 *
 * <p>The older vertical forms ({@code {name: x, kind: NUMERIC}}, {@code positiveValues}) are still read.
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
    YamlLines lines = YamlLines.of(text);
    return root.has("guest") ? new Vertical(vertical(root, lines)) : new Horizontal(horizontal(root, lines));
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

  private static final Set<String> VERTICAL_KEYS = Set.of("jobId", "purpose", "guest", "hosts", "label", "training",
      "keySize", "seed");
  private static final Set<String> PARTY_KEYS = Set.of("site", "features");
  private static final Set<String> TRAINING_KEYS = Set.of("epochs", "batchSize", "learningRate", "l2", "tolerance");

  /**
   * Checks a vertical job with the same strictness and feature syntax as a horizontal one, then reads it
   * as {@link VerticalJobSpecJson}.
   */
  private static VerticalJobSpec vertical(JsonNode root, YamlLines lines) {
    lines.requireKnown(root, "", VERTICAL_KEYS);
    ObjectNode doc = root.deepCopy();
    party(doc, required(root, "guest"), "guest", lines);
    JsonNode hosts = required(root, "hosts");
    if (!hosts.isArray() || hosts.isEmpty()) {
      throw lines.error("hosts", "must be a list of parties {site, features}");
    }
    for (int i = 0; i < hosts.size(); i++) {
      party(doc, hosts.get(i), "hosts[" + i + "]", lines);
    }
    JsonNode label = required(root, "label");
    LabelSpec l = label(label, lines);
    ObjectNode labelJson = doc.putObject("label");
    labelJson.put("column", l.column());
    ArrayNode positives = labelJson.putArray("positiveValues");
    if (l.positiveValues() != null) {
      l.positiveValues().forEach(positives::add);
    }
    if (l.positiveAbove() != null) {
      labelJson.put("positiveAbove", l.positiveAbove());
    }
    JsonNode t = root.path("training");
    if (!t.isMissingNode() && !t.isNull()) {
      lines.requireKnown(t, "training", TRAINING_KEYS);
      lines.integer(t, "training", "epochs", 1, 1_000_000, 1);
      lines.integer(t, "training", "batchSize", 1, Integer.MAX_VALUE, 1);
      lines.decimal(t, "training", "learningRate", 0, true, 1e6, 1);
      lines.decimal(t, "training", "l2", 0, false, 1e6, 0);
      lines.decimal(t, "training", "tolerance", 0, false, 1e6, 0);
    }
    lines.whole(root, "", "seed", Long.MIN_VALUE, Long.MAX_VALUE, 0);
    lines.text(root, "", "keySize", "");
    lines.text(root, "", "jobId", "");
    try {
      return VerticalJobSpecJson.fromJson(new ObjectMapper().writeValueAsString(doc));
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the vertical job: " + e.getMessage(), e);
    }
  }

  private static final Set<String> MODEL_KEYS = Set.of("type", "l2", "hiddenUnits");
  private static final Set<String> FEATURE_KEYS = Set.of("name", "categories", "kind");
  private static final Set<String> LABEL_KEYS = Set.of("column", "positive", "positiveValues", "positiveAbove");
  private static final Set<String> PRIVACY_KEYS = Set.of("secureAggregation", "dp");
  private static final Set<String> DP_KEYS = Set.of("noiseMultiplier", "maxGradNorm", "delta");
  /** Keys of privacy.dp that are not numbers. */
  private static final Set<String> DP_OTHER_KEYS = Set.of("distributed", "featureRanges");

  private static JobSpec horizontal(JsonNode root, YamlLines lines) {
    lines.requireKnown(root, "", KEYS);
    JsonNode model = required(root, "model");
    lines.requireKnown(model, "model", MODEL_KEYS);
    String type = lines.requiredText(model, "model", "type").toLowerCase();
    double l2 = lines.decimal(model, "model", "l2", 0, false, 1e6, 0);
    ModelSpec modelSpec = switch (type) {
      case "logistic_regression", "lr" -> ModelSpec.logisticRegression(l2);
      case "mlp" -> {
        required(model, "hiddenUnits");
        yield ModelSpec.mlp(lines.integer(model, "model", "hiddenUnits", 1, 100_000, 1), l2);
      }
      default -> throw lines.error("model.type", "must be logistic_regression or mlp, got " + type);
    };
    List<FeatureSpec> features = features(required(root, "features"), "features", lines);
    LabelSpec labelSpec = label(required(root, "label"), lines);
    List<String> sites = names(required(root, "sites"), "sites", lines);
    return new JobSpec(lines.text(root, "", "id", ""), lines.requiredText(root, "", "purpose"), modelSpec, features,
        labelSpec, sites, lines.integer(root, "", "rounds", 1, MAX_ROUNDS, 10),
        lines.integer(root, "", "localEpochs", 1, 10_000, 1),
        lines.decimal(root, "", "learningRate", 0, true, 1e6, 0.05),
        lines.integer(root, "", "batchSize", 1, Integer.MAX_VALUE, 32),
        lines.integer(root, "", "minSites", 1, Math.max(1, sites.size()), sites.size()),
        lines.whole(root, "", "seed", Long.MIN_VALUE, Long.MAX_VALUE, 1), privacy(root.path("privacy"), lines));
  }

  /** The most rounds a job file may ask for. */
  public static final int MAX_ROUNDS = 1_000_000;

  /**
   * The features at {@code path}: a name alone is numeric, {@code {name, categories}} categorical;
   * {@code kind: NUMERIC|CATEGORICAL} may be given and must agree. The one syntax of horizontal and
   * vertical job files.
   */
  static List<FeatureSpec> features(JsonNode list, String path, YamlLines lines) {
    if (!list.isArray() || list.isEmpty()) {
      throw lines.error(path, "must be a non-empty list of features (a name, or {name, categories})");
    }
    List<FeatureSpec> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      JsonNode f = list.get(i);
      String at = path + "[" + i + "]";
      if (f.isTextual()) {
        out.add(FeatureSpec.numeric(f.asText()));
        continue;
      }
      if (!f.isObject()) {
        throw lines.error(at, "must be a feature name or {name, categories}, got '" + f.asText() + "'");
      }
      lines.requireKnown(f, at, FEATURE_KEYS);
      String name = lines.requiredText(f, at, "name");
      String kind = lines.text(f, at, "kind", f.has("categories") ? "CATEGORICAL" : "NUMERIC").toUpperCase();
      if (!kind.equals("NUMERIC") && !kind.equals("CATEGORICAL")) {
        throw lines.error(at + ".kind", "must be NUMERIC or CATEGORICAL, got '" + kind + "'");
      }
      if (kind.equals("NUMERIC") != !f.has("categories")) {
        throw lines.error(at, kind.equals("NUMERIC") ? "is NUMERIC and has categories"
            : "is CATEGORICAL and lists no categories");
      }
      try {
        out.add(kind.equals("NUMERIC") ? FeatureSpec.numeric(name)
            : FeatureSpec.categorical(name, values(f.get("categories"), at + ".categories", lines)));
      } catch (IllegalArgumentException e) {
        throw lines.error(at, e.getMessage());
      }
    }
    return out;
  }

  /**
   * The values of a category or label list as written: a scalar YAML reads as a boolean or null
   * ({@code no}, {@code yes}, {@code on}, {@code off}, {@code ~}) is refused, as it would never match the
   * data's text; a number keeps its written text ({@code 1.0}, {@code 0123}).
   */
  static List<String> values(JsonNode list, String path, YamlLines lines) {
    if (!list.isArray() || list.isEmpty()) {
      throw lines.error(path, "must be a non-empty list of values");
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      JsonNode v = list.get(i);
      String at = path + "[" + i + "]";
      if (!v.isValueNode()) {
        throw lines.error(at, "must be a value, not a " + v.getNodeType().name().toLowerCase());
      }
      String written = lines.scalar(at).map(YamlLines.Scalar::text).orElse(v.asText());
      if (v.isBoolean() || v.isNull()) {
        throw lines.error(at, "is '" + written + "', which YAML reads as " + (v.isNull() ? "null" : "the boolean "
            + v.asText()) + ", not as the text the data holds: quote it (\"" + written + "\")");
      }
      out.add(v.isNumber() ? written : v.asText());
    }
    return out;
  }

  private static List<String> names(JsonNode list, String path, YamlLines lines) {
    if (!list.isArray() || list.isEmpty()) {
      throw lines.error(path, "must be a non-empty list of site ids");
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      if (!list.get(i).isTextual() || list.get(i).asText().isBlank()) {
        throw lines.error(path + "[" + i + "]", "must be a site id, got '" + list.get(i).asText() + "'");
      }
      out.add(list.get(i).asText());
    }
    return out;
  }

  private static LabelSpec label(JsonNode label, YamlLines lines) {
    lines.requireKnown(label, "label", LABEL_KEYS);
    String column = lines.requiredText(label, "label", "column");
    if (label.has("positiveAbove")) {
      if (label.has("positive") || label.has("positiveValues")) {
        throw lines.error("label", "has both positiveAbove and positive: give one");
      }
      return LabelSpec.positiveAbove(column,
          lines.decimal(label, "label", "positiveAbove", -Double.MAX_VALUE, false, Double.MAX_VALUE, 0));
    }
    String key = label.has("positiveValues") ? "positiveValues" : "positive";
    return new LabelSpec(column, new LinkedHashSet<>(values(required(label, key), "label." + key, lines)), null);
  }

  private static void party(ObjectNode doc, JsonNode party, String path, YamlLines lines) {
    lines.requireKnown(party, path, PARTY_KEYS);
    lines.requiredText(party, path, "site");
    List<FeatureSpec> features = features(required(party, "features"), path + ".features", lines);
    ArrayNode json = ((ObjectNode) at(doc, path)).putArray("features");
    for (FeatureSpec f : features) {
      ObjectNode o = json.addObject();
      o.put("name", f.name());
      o.put("kind", f.kind().name());
      ArrayNode cats = o.putArray("categories");
      f.categories().forEach(cats::add);
    }
  }

  private static JsonNode at(JsonNode doc, String path) {
    return path.startsWith("hosts[") ? doc.get("hosts").get(Integer.parseInt(path.substring(6, path.indexOf(']'))))
        : doc.get(path);
  }

  /** Whether a job file without a {@code privacy.secureAggregation} key gets secure aggregation. */
  public static final boolean SECURE_DEFAULT = true;

  private static PrivacySpec privacy(JsonNode p, YamlLines lines) {
    if (p.isMissingNode() || p.isNull()) {
      return new PrivacySpec(SECURE_DEFAULT, null);
    }
    lines.requireKnown(p, "privacy", PRIVACY_KEYS);
    DpSpec dp = null;
    JsonNode d = p.path("dp");
    if (!d.isMissingNode() && !d.isNull()) {
      Set<String> dpKeys = new java.util.HashSet<>(DP_KEYS);
      dpKeys.addAll(DP_OTHER_KEYS);
      lines.requireKnown(d, "privacy.dp", dpKeys);
      java.util.Map<String, DpSpec.Range> ranges = new java.util.TreeMap<>();
      JsonNode r = d.path("featureRanges");
      if (!r.isMissingNode() && !r.isNull() && !r.isObject()) {
        throw lines.error("privacy.dp.featureRanges", "must map each numeric feature to [lower, upper]");
      }
      for (java.util.Iterator<java.util.Map.Entry<String, JsonNode>> it = r.fields(); it.hasNext(); ) {
        java.util.Map.Entry<String, JsonNode> e = it.next();
        JsonNode v = e.getValue();
        String at = "privacy.dp.featureRanges." + e.getKey();
        if (!v.isArray() || v.size() != 2 || !v.get(0).isNumber() || !v.get(1).isNumber()) {
          throw lines.error(at, "must be [lower, upper]");
        }
        try {
          ranges.put(e.getKey(), new DpSpec.Range(v.get(0).asDouble(), v.get(1).asDouble()));
        } catch (IllegalArgumentException bad) {
          throw lines.error(at, bad.getMessage());
        }
      }
      required(d, "noiseMultiplier");
      required(d, "maxGradNorm");
      dp = new DpSpec(lines.decimal(d, "privacy.dp", "noiseMultiplier", 0, true, 1e6, 1),
          lines.decimal(d, "privacy.dp", "maxGradNorm", 0, true, 1e6, 1),
          lines.decimal(d, "privacy.dp", "delta", 0, true, 0.999999, 1e-5),
          lines.bool(d, "privacy.dp", "distributed", false), ranges);
    }
    return new PrivacySpec(lines.bool(p, "privacy", "secureAggregation", SECURE_DEFAULT), dp);
  }

  private static JsonNode required(JsonNode node, String key) {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      throw new IllegalArgumentException("missing key '" + key + "'");
    }
    return v;
  }
}
