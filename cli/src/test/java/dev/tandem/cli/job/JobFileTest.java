package dev.tandem.cli.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.model.FeatureSpec;
import dev.tandem.model.JobSpec;
import dev.tandem.model.vertical.VerticalJobSpec;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class JobFileTest {
  private static final String HEAD = """
      purpose: churn
      model: {type: logistic_regression}
      label: {column: Churn, positive: ["Yes"]}
      sites: [a, b]
      """;

  private static IllegalArgumentException refused(String yaml) {
    return assertThrows(IllegalArgumentException.class, () -> JobFile.parse(yaml));
  }

  private static void says(IllegalArgumentException e, String... phrases) {
    for (String p : phrases) {
      assertTrue(e.getMessage().contains(p), "'" + p + "' in: " + e.getMessage());
    }
  }

  @Test
  void parse_roundsWithTooManyDigits_refusedNotWrappedAround() {
    // this ran as 1,661,992,959 rounds: the low 32 bits of the number
    says(refused(HEAD + "features: [tenure]\nrounds: 99999999999999999999\n"), "line 6",
        "rounds must be a whole number in [1, 1000000], got '99999999999999999999'");
    says(refused(HEAD + "features: [tenure]\nrounds: 9999999999\n"), "line 6", "rounds must be in [1, 1000000]");
  }

  @Test
  void parse_zeroNegativeOrTextWhereImpossible_refused() {
    says(refused(HEAD + "features: [tenure]\nrounds: 0\n"), "rounds must be in [1, 1000000], got 0");
    says(refused(HEAD + "features: [tenure]\nbatchSize: -5\n"), "batchSize must be in [1, ");
    says(refused(HEAD + "features: [tenure]\nlearningRate: 0\n"), "learningRate must be in (0, ");
    says(refused(HEAD + "features: [tenure]\nminSites: 3\n"), "minSites must be in [1, 2], got 3");
    says(refused(HEAD + "features: [tenure]\nprivacy: {dp: {noiseMultiplier: abc, maxGradNorm: 1}}\n"),
        "line 6", "privacy.dp.noiseMultiplier must be a number");
    says(refused(HEAD + "features: [tenure]\nprivacy: {dp: {noiseMultiplier: 1, maxGradNorm: 1, delta: 1}}\n"),
        "privacy.dp.delta must be in (0, ");
  }

  @Test
  void parse_differentialPrivacyInsteadOfDp_refusedWithTheKnownKeys() {
    says(refused(HEAD + "features: [tenure]\nprivacy: {differentialPrivacy: {noiseMultiplier: 1.1}}\n"),
        "line 6", "unknown key 'privacy.differentialPrivacy' (did you mean 'dp'? known: [dp, secureAggregation])");
    says(refused(HEAD + "features: [tenure]\nprivacy: {dp: {noiseMultiplyer: 1.1, maxGradNorm: 1}}\n"),
        "unknown key 'privacy.dp.noiseMultiplyer' (did you mean 'noiseMultiplier'?");
    says(refused(HEAD + "features: [{name: Contract, categorys: [a]}]\n"),
        "line 5", "unknown key 'features[0].categorys' (did you mean 'categories'?");
  }

  @Test
  void parse_unquotedNoYesCategories_refusedAsBooleansWithAQuoteHint() {
    says(refused(HEAD + "features: [{name: Partner, categories: [no, yes]}]\n"), "line 5",
        "features[0].categories[0] is 'no', which YAML reads as the boolean false", "quote it (\"no\")");
    says(refused(HEAD + "features: [{name: Paperless, categories: [\"No\", on]}]\n"),
        "features[0].categories[1] is 'on', which YAML reads as the boolean true");
    says(refused(HEAD.replace("positive: [\"Yes\"]", "positive: [yes]") + "features: [tenure]\n"),
        "label.positive[0] is 'yes', which YAML reads as the boolean true");
  }

  @Test
  void parse_numericCategories_keepTheirWrittenText() {
    JobSpec spec = JobFile.parse(HEAD + "features: [{name: zone, categories: [0123, 1.10, \"7\"]}]\n");
    // YAML reads 0123 as octal 83 and 1.10 as 1.1: the data holds what was written
    assertEquals(List.of("0123", "1.10", "7"), spec.features().get(0).categories());
  }

  @Test
  void parseDefinition_verticalInTheHorizontalFeatureSyntax_sameAsTheOldForm() {
    String tail = """
        label: {column: default, positive: ["1"]}
        training: {epochs: 2, batchSize: 64}
        seed: 7
        """;
    VerticalJobSpec unified = ((JobFile.Vertical) JobFile.parseDefinition("""
        purpose: credit-risk
        guest: {site: bank, features: [income]}
        hosts: [{site: operator, features: [{name: plan, categories: [a, b]}]}]
        """ + tail)).spec();
    VerticalJobSpec old = ((JobFile.Vertical) JobFile.parseDefinition("""
        purpose: credit-risk
        guest: {site: bank, features: [{name: income, kind: NUMERIC}]}
        hosts: [{site: operator, features: [{name: plan, kind: CATEGORICAL, categories: [a, b]}]}]
        """ + tail.replace("positive:", "positiveValues:"))).spec();
    assertEquals(old, unified);
    assertEquals(List.of(FeatureSpec.numeric("income")), unified.guest().features());
    assertEquals(Set.of("1"), unified.label().positiveValues());
  }

  @Test
  void parseDefinition_verticalTypoOrBooleanCategory_refusedWithLine() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JobFile.parseDefinition("""
        purpose: credit-risk
        guest: {site: bank, features: [income]}
        hosts: [{site: operator, features: [{name: plan, categories: [no, yes]}]}]
        label: {column: default, positive: ["1"]}
        seed: 7
        """));
    says(e, "line 3", "hosts[0].features[0].categories[0] is 'no'");
    e = assertThrows(IllegalArgumentException.class, () -> JobFile.parseDefinition("""
        purpose: credit-risk
        guest: {site: bank, features: [income]}
        hosts: [{site: operator, features: [plan]}]
        label: {column: default, positive: ["1"]}
        training: {epocs: 3}
        seed: 7
        """));
    says(e, "line 5", "unknown key 'training.epocs' (did you mean 'epochs'?");
  }

  @Test
  void parseDefinition_demoJobs_readInTheOneSyntax() throws Exception {
    for (String name : List.of("credit-risk-job.yaml", "health-risk-job.yaml", "churn-job.yaml")) {
      String yaml = new String(JobFile.class.getResourceAsStream("/demo/" + name).readAllBytes());
      JobFile.Definition d = JobFile.parseDefinition(yaml);
      if (name.equals("churn-job.yaml")) {
        assertInstanceOf(JobFile.Horizontal.class, d);
      } else {
        assertTrue(((JobFile.Vertical) d).spec().guest().features().size() > 3, name);
      }
    }
  }
}
