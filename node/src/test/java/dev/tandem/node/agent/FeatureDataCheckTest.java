package dev.tandem.node.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.model.FeatureSpec;
import dev.tandem.model.JobSpec;
import dev.tandem.model.LabelSpec;
import dev.tandem.model.ModelSpec;
import dev.tandem.model.PrivacySpec;
import dev.tandem.node.audit.AuditEntry;
import dev.tandem.node.audit.AuditEntryType;
import dev.tandem.node.config.NodeConfig;
import dev.tandem.node.consent.ConsentPolicy;
import dev.tandem.node.data.DataSourceConfig;
import dev.tandem.node.privacy.PrivacyBudgets;
import dev.tandem.proto.v1.SecAggMessage;
import dev.tandem.proto.v1.StatsReport;
import dev.tandem.proto.v1.TaskDeclined;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job whose features this site's records cannot be encoded for is declined with the reason, audited as
 * the job's refusal, instead of training on zeros: a category list YAML turned into booleans, a text
 * column declared numeric.
 */
class FeatureDataCheckTest {
  @TempDir Path dir;

  private NodeHarness node() throws Exception {
    List<String> rows = new ArrayList<>(List.of("id,tenure,Partner,plan,y"));
    for (int i = 0; i < 40; i++) {
      rows.add("s%02d,%d,%s,%s,%d".formatted(i, i, i % 2 == 0 ? "Yes" : "No", i % 3 == 0 ? "gold" : "silver", i % 2));
    }
    Files.write(dir.resolve("data.csv"), rows);
    NodeHarness node = new NodeHarness(dir, DataSourceConfig.of(dir.resolve("data.csv"), "id"),
        c -> new NodeConfig(c.site(), c.coordinator(), c.tls(), c.data(), c.databaseUrl(), c.maxMessageBytes(),
            PrivacyBudgets.defaults(), new ConsentPolicy(Set.of("churn"), Set.of(), 5)));
    node.grant("churn", node.data.trainIds());
    node.clock.advance(java.time.Duration.ofMinutes(1));
    return node;
  }

  private static JobSpec job(String id, FeatureSpec feature) {
    return new JobSpec(id, "churn", ModelSpec.logisticRegression(0), List.of(FeatureSpec.numeric("tenure"), feature),
        LabelSpec.positiveIf("y", "1"), List.of("a", "b"), 3, 1, 0.1, 8, 2, 7, PrivacySpec.secure());
  }

  private static void assertDeclined(NodeHarness node, String jobId, String... phrases) {
    assertTrue(node.coordinator.received.stream().noneMatch(m -> m instanceof StatsReport
        || m instanceof SecAggMessage), "nothing computed from the records left: " + node.coordinator.received);
    TaskDeclined d = node.coordinator.last(TaskDeclined.class);
    assertEquals("FAILED_PRECONDITION", d.getCode(), d.getReason());
    for (String p : phrases) {
      assertTrue(d.getReason().contains(p), "'" + p + "' in: " + d.getReason());
    }
    assertFalse(d.getReason().contains("gold") || d.getReason().contains("Yes"),
        "no record value leaves in the reason: " + d.getReason());
    List<AuditEntry> refused = node.stores.audit().entries().stream()
        .filter(e -> e.type() == AuditEntryType.JOB_REFUSED && e.payload().contains(jobId)).toList();
    assertEquals(1, refused.size(), "the refusal is audited once: " + node.stores.audit().entries());
    assertTrue(refused.get(0).payload().contains(phrases[0]), refused.get(0).payload());
  }

  @Test
  void stats_categoriesYamlReadAsBooleans_declinedNotTrainedOnZeros() throws Exception {
    try (NodeHarness node = node()) {
      JobSpec job = job("job-bool", FeatureSpec.categorical("Partner", List.of("false", "true")));
      node.handle(node.stats(job, 0));
      assertDeclined(node, "job-bool", "feature 'Partner' has categories [false, true]",
          "would encode as all zeros", "quote them");
    }
  }

  @Test
  void stats_textColumnDeclaredNumeric_declined() throws Exception {
    try (NodeHarness node = node()) {
      node.handle(node.stats(job("job-text", FeatureSpec.numeric("plan")), 0));
      assertDeclined(node, "job-text", "feature 'plan' is declared numeric",
          "more than 1% of its values are not numbers");
    }
  }

  @Test
  void stats_encodableFeatures_admitted() throws Exception {
    try (NodeHarness node = node()) {
      JobSpec job = job("job-fine", FeatureSpec.categorical("Partner", List.of("No", "Yes")));
      node.handle(node.stats(job, 0));
      // admitted: declined only later for asking a plain statistics phase of a secure job
      TaskDeclined d = node.coordinator.last(TaskDeclined.class);
      assertTrue(d.getReason().contains("secure aggregation"), d.getReason());
      assertTrue(node.stores.audit().entries().stream().anyMatch(e -> e.type() == AuditEntryType.JOB_ACCEPTED));
    }
  }
}
