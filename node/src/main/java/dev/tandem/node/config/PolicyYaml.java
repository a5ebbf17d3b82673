package dev.tandem.node.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.model.yaml.YamlLines;
import dev.tandem.node.consent.ConsentPolicy;
import dev.tandem.node.policy.DpRule;
import dev.tandem.node.policy.PurposePolicy;
import dev.tandem.node.policy.SitePolicy;
import dev.tandem.node.privacy.PrivacyBudgets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads the node YAML's {@code policy} block strictly: an unknown key, a value of the wrong type, a
 * number out of range or a setting that contradicts another section is refused with its line, its
 * key and the reason. Settings the block leaves out take the defaults of {@link SitePolicy#defaults}.
 */
final class PolicyYaml {
  private static final List<String> COMMON = List.of("requireSecureAggregation", "minTrainingCohort",
      "minEvaluationCohort", "minPaillierBits", "partners", "dp");
  private static final Set<String> SITE_KEYS = keys(COMMON, "purposes");
  private static final Set<String> PURPOSE_KEYS = keys(COMMON, "columns");
  private static final Set<String> DP_KEYS = Set.of("required", "maxEpsilonPerJob", "minNoiseMultiplier");

  private final YamlLines lines;
  private final ConsentPolicy consent;
  private final PrivacyBudgets budgets;
  private final int keyFloor;

  private PolicyYaml(YamlLines lines, ConsentPolicy consent, PrivacyBudgets budgets, int keyFloor) {
    this.lines = lines;
    this.consent = consent;
    this.budgets = budgets;
    this.keyFloor = keyFloor;
  }

  private static Set<String> keys(List<String> common, String extra) {
    Set<String> s = new TreeSet<>(common);
    s.add(extra);
    return Set.copyOf(s);
  }

  /**
   * The effective policy: the defaults, with what {@code node} (the {@code policy} block, possibly
   * missing) sets.
   *
   * @param keyFloor the smallest Paillier modulus the {@code vertical} section allows (1024 with
   *     {@code allowTestingKeys}, else 2048)
   * @throws IllegalArgumentException "line N: key reason"
   */
  static SitePolicy read(JsonNode node, YamlLines lines, ConsentPolicy consent, PrivacyBudgets budgets,
      int keyFloor) {
    return new PolicyYaml(lines, consent, budgets, keyFloor).read(node);
  }

  private SitePolicy read(JsonNode node) {
    SitePolicy defaults = SitePolicy.defaults(consent.minCohort(), consent.partners(),
        budgets.byPurpose().keySet(), keyFloor);
    if (node.isMissingNode() || node.isNull()) {
      return defaults;
    }
    mapping(node, "policy", SITE_KEYS);
    PurposePolicy base = apply(defaults.defaults(), node, "policy", budgets.defaultBudget().epsilon());
    Map<String, PurposePolicy> byPurpose = new LinkedHashMap<>();
    for (String p : budgets.byPurpose().keySet()) {
      byPurpose.put(p, base.withDp(base.dp().withRequired(true)));
    }
    JsonNode purposes = node.path("purposes");
    if (!purposes.isMissingNode()) {
      if (!purposes.isObject()) {
        throw error("policy.purposes", "must be a mapping of purpose to its policy");
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = purposes.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String purpose = e.getKey();
        String path = "policy.purposes." + purpose;
        if (!consent.purposes().contains(purpose)) {
          throw error(path, "names a purpose this node does not serve (consent.purposes: "
              + new TreeSet<>(consent.purposes()) + ")");
        }
        mapping(e.getValue(), path, PURPOSE_KEYS);
        PurposePolicy inherited = byPurpose.getOrDefault(purpose, base);
        byPurpose.put(purpose, apply(inherited, e.getValue(), path, budgets.forPurpose(purpose).epsilon()));
      }
    }
    return new SitePolicy(base, byPurpose);
  }

  private PurposePolicy apply(PurposePolicy p, JsonNode node, String path, double budgetEpsilon) {
    boolean secure = bool(node, path, "requireSecureAggregation", p.secureAggregation());
    int training = integer(node, path, "minTrainingCohort", p.minTrainingCohort());
    if (training < consent.minCohort()) {
      throw error(path + ".minTrainingCohort", "must be at least consent.minCohort (" + consent.minCohort()
          + "), got " + training);
    }
    int evaluation = integer(node, path, "minEvaluationCohort", Math.max(p.minEvaluationCohort(), training));
    if (evaluation < training) {
      throw error(path + ".minEvaluationCohort", "must be at least the training cohort (" + training + "), got "
          + evaluation + ": a smaller held-out set says more about each of its records");
    }
    int bits = integer(node, path, "minPaillierBits", p.minPaillierBits());
    if (!PurposePolicy.KEY_BITS.contains(bits)) {
      throw error(path + ".minPaillierBits", "must be 1024, 2048 or 3072, got " + bits);
    }
    if (bits < keyFloor) {
      throw error(path + ".minPaillierBits", "must be at least " + keyFloor
          + " (1024-bit keys need vertical.allowTestingKeys: true, for tests only), got " + bits);
    }
    Set<String> partners = p.partners();
    if (node.has("partners")) {
      partners = strings(node.get("partners"), path + ".partners");
      Set<String> strangers = new TreeSet<>(partners);
      strangers.removeAll(consent.partners());
      if (!consent.partners().isEmpty() && !strangers.isEmpty()) {
        throw error(path + ".partners", "names " + strangers + ", which consent.partners does not accept");
      }
    }
    Set<String> columns = p.columns();
    if (node.has("columns")) {
      columns = strings(node.get("columns"), path + ".columns");
    }
    DpRule dp = p.dp();
    if (node.has("dp")) {
      JsonNode d = node.get("dp");
      String dpPath = path + ".dp";
      mapping(d, dpPath, DP_KEYS);
      double max = positive(d, dpPath, "maxEpsilonPerJob", dp.maxEpsilonPerJob());
      if (Double.isFinite(max) && max > budgetEpsilon) {
        throw error(dpPath + ".maxEpsilonPerJob", "is " + max + ", more than the purpose's whole privacy budget "
            + budgetEpsilon + " (privacy section)");
      }
      dp = new DpRule(bool(d, dpPath, "required", dp.required()), max,
          positive(d, dpPath, "minNoiseMultiplier", dp.minNoiseMultiplier()));
    }
    return new PurposePolicy(secure, training, evaluation, bits, columns, partners, dp);
  }

  private void mapping(JsonNode node, String path, Set<String> known) {
    if (!node.isObject()) {
      throw error(path, "must be a mapping of " + new TreeSet<>(known));
    }
    lines.requireKnown(node, path, known);
  }

  private boolean bool(JsonNode node, String path, String key, boolean fallback) {
    JsonNode v = node.path(key);
    if (v.isMissingNode()) {
      return fallback;
    }
    if (!v.isBoolean()) {
      throw error(path + "." + key, "must be true or false, got '" + v.asText() + "'");
    }
    return v.booleanValue();
  }

  private int integer(JsonNode node, String path, String key, int fallback) {
    JsonNode v = node.path(key);
    if (v.isMissingNode()) {
      return fallback;
    }
    if (!v.isInt() || v.intValue() < 1) {
      throw error(path + "." + key, "must be a whole number of at least 1, got '" + v.asText() + "'");
    }
    return v.intValue();
  }

  private double positive(JsonNode node, String path, String key, double fallback) {
    JsonNode v = node.path(key);
    if (v.isMissingNode()) {
      return fallback;
    }
    if (!v.isNumber() || !Double.isFinite(v.doubleValue()) || !(v.doubleValue() > 0)) {
      throw error(path + "." + key, "must be a finite number > 0, got '" + v.asText() + "'");
    }
    return v.doubleValue();
  }

  private Set<String> strings(JsonNode node, String path) {
    if (!node.isArray() || node.isEmpty()) {
      throw error(path, "must be a non-empty list (leave the key out to allow any)");
    }
    Set<String> out = new LinkedHashSet<>();
    for (int i = 0; i < node.size(); i++) {
      JsonNode v = node.get(i);
      if (!v.isTextual() || v.asText().isBlank()) {
        throw error(path + "[" + i + "]", "must be a name, got '" + v.asText() + "'");
      }
      out.add(v.asText());
    }
    return out;
  }

  private IllegalArgumentException error(String path, String reason) {
    return new IllegalArgumentException(lines.at(path) + path + " " + reason);
  }
}
