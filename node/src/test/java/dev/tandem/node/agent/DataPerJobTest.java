package dev.tandem.node.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.model.FeatureSpec;
import dev.tandem.model.JobSpec;
import dev.tandem.model.LabelSpec;
import dev.tandem.model.ModelSpec;
import dev.tandem.model.Normalization;
import dev.tandem.model.PrivacySpec;
import dev.tandem.node.audit.AuditEntry;
import dev.tandem.node.audit.AuditEntryType;
import dev.tandem.node.audit.AuditVerification;
import dev.tandem.node.audit.AuditVerifier;
import dev.tandem.node.config.NodeConfig;
import dev.tandem.node.consent.ConsentPolicy;
import dev.tandem.node.data.DataSourceConfig;
import dev.tandem.node.policy.SitePolicy;
import dev.tandem.node.privacy.PrivacyBudgets;
import dev.tandem.proto.v1.ModelUpdate;
import dev.tandem.proto.v1.TaskDeclined;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node reads its data when a job starts, not once at start-up: a new file is used by the next job
 * without a restart, a running job keeps the snapshot it started with, and every round's audit entry
 * names the version (SHA-256) of the snapshot it used.
 */
class DataPerJobTest {
  @TempDir Path dir;

  private static JobSpec job(String id) {
    return new JobSpec(id, "churn", ModelSpec.logisticRegression(0), List.of(FeatureSpec.numeric("f")),
        LabelSpec.positiveIf("y", "1"), List.of("a", "b"), 3, 1, 0.5, 4, 1, 7, PrivacySpec.none());
  }

  private Path csv(int rows) throws Exception {
    List<String> lines = new ArrayList<>(List.of("id,f,y"));
    for (int i = 1; i <= rows; i++) {
      lines.add("C-%02d,%s,%d".formatted(i, i / 10.0 - 1, i % 2));
    }
    Path f = dir.resolve("a.csv");
    Files.write(f, lines);
    return f;
  }

  private NodeHarness node(Path file) {
    DataSourceConfig source = DataSourceConfig.of(file, "id").withTestFraction(0);
    SitePolicy plain = SitePolicy.defaults(5, Set.of(), Set.of(), 2048);
    NodeHarness node = new NodeHarness(dir, source, c -> new NodeConfig(c.site(), c.coordinator(), c.tls(), c.data(),
        c.databaseUrl(), c.maxMessageBytes(), PrivacyBudgets.defaults(), new ConsentPolicy(Set.of("churn"), Set.of(), 5))
        .withPolicy(new SitePolicy(plain.defaults().withSecureAggregation(false), Map.of())));
    node.clock.advance(Duration.between(node.clock.instant(), java.time.Instant.now()));
    // consent for every id the file will hold, the later rows too
    node.grant("churn", IntStream.rangeClosed(1, 40).mapToObj(i -> "C-%02d".formatted(i)).toList());
    node.clock.advance(Duration.ofMinutes(1));
    return node;
  }

  private static String sha256(Path file) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }

  private static List<AuditEntry> rounds(NodeHarness node) {
    return node.stores.audit().entries().stream().filter(e -> e.type() == AuditEntryType.ROUND_CONTRIBUTED).toList();
  }

  private static void train(NodeHarness node, JobSpec job, int round) {
    node.handle(node.train(job, round, Normalization.identity(1), new double[2]));
  }

  @Test
  void newFileContent_nextJobUsesItWithoutRestart_runningJobKeepsItsSnapshot_entriesNameTheVersion()
      throws Exception {
    Path file = csv(20);
    String first = sha256(file);
    try (NodeHarness node = node(file)) {
      train(node, job("job-1"), 1);
      assertEquals(20, node.coordinator.last(ModelUpdate.class).getSampleCount());

      csv(30); // the file changes while the node runs
      String second = sha256(file);
      assertFalse(first.equals(second));
      train(node, job("job-1"), 2);
      assertEquals(20, node.coordinator.last(ModelUpdate.class).getSampleCount(),
          "a running job keeps the snapshot it started with");
      train(node, job("job-2"), 1);
      assertEquals(30, node.coordinator.last(ModelUpdate.class).getSampleCount(),
          "the next job reads the new file, without a restart");

      List<AuditEntry> rounds = rounds(node);
      assertEquals(3, rounds.size());
      assertTrue(rounds.get(0).payload().contains("\"dataVersion\":\"" + first + "\""), rounds.get(0).payload());
      assertTrue(rounds.get(1).payload().contains("\"dataVersion\":\"" + first + "\""), rounds.get(1).payload());
      assertTrue(rounds.get(2).payload().contains("\"dataVersion\":\"" + second + "\""), rounds.get(2).payload());
      assertTrue(rounds.get(2).payload().contains("\"records\":30"), rounds.get(2).payload());

      AuditVerification log = AuditVerifier.verify(node.stores.audit().export().toJson(),
          node.stores.federationCa(), AuditVerifier.Options.strict().allowingUncountersigned());
      assertTrue(log.valid(), log.describe());
    }
  }

  @Test
  void sameContent_nextJobHasTheSameVersion() throws Exception {
    Path file = csv(20);
    try (NodeHarness node = node(file)) {
      train(node, job("job-1"), 1);
      Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(0)); // touched, not changed
      train(node, job("job-2"), 1);
      List<AuditEntry> rounds = rounds(node);
      String version = "\"dataVersion\":\"" + sha256(file) + "\"";
      assertTrue(rounds.get(0).payload().contains(version) && rounds.get(1).payload().contains(version),
          rounds.toString());
    }
  }

  @Test
  void fileBecomesMalformed_nextJobDeclined_withoutTheFileLineLeavingTheNode() throws Exception {
    Path file = csv(20);
    try (NodeHarness node = node(file)) {
      Files.writeString(file, "id,f,y\nC-01,\"secret cell,1\n");
      train(node, job("job-1"), 1);
      TaskDeclined d = node.coordinator.last(TaskDeclined.class);
      assertEquals("FAILED_PRECONDITION", d.getCode(), d.getReason());
      assertTrue(d.getReason().contains("cannot read its data source"), d.getReason());
      assertFalse(d.getReason().contains("line") || d.getReason().contains("secret"), d.getReason());
      assertTrue(node.coordinator.received.stream().noneMatch(m -> m instanceof ModelUpdate));

      csv(20); // repaired: the job's next task reads it
      train(node, job("job-1"), 2);
      assertEquals(20, node.coordinator.last(ModelUpdate.class).getSampleCount());
    }
  }
}
