package dev.tandem.coordinator.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tandem.coordinator.jobs.JobEvent.RoundCompleted;
import dev.tandem.coordinator.jobs.JobState;
import dev.tandem.model.FeatureSpec;
import dev.tandem.model.JobSpec;
import dev.tandem.model.LabelSpec;
import dev.tandem.model.ModelSpec;
import dev.tandem.model.Normalization;
import dev.tandem.proto.Wire;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A coordinator database made by release 0.1.0 (its statements in
 * {@code previous-release/coordinator-0.1.0.sql}, with a job, a model and a countersigned head) is
 * baselined at version 0 and migrated by today's registry, which reads the old rows and writes new
 * ones beside them.
 */
class PreviousReleaseUpgradeTest {
  private static final Instant AT = Instant.parse("2025-06-02T08:00:00Z");

  @TempDir Path dir;

  private static JobSpec churn(String id) {
    return new JobSpec(id, "churn", ModelSpec.logisticRegression(0.0), List.of(FeatureSpec.numeric("x1")),
        LabelSpec.positiveIf("y", "1"), List.of("bank", "telco"), 1, 1, 0.1, 8, 2, 3);
  }

  @Test
  void open_databaseOfTheReleaseBeforeMigrations_baselinedMigratedAndItsRowsKept() throws Exception {
    String url = "jdbc:h2:file:" + dir.resolve("coordinator-db").toAbsolutePath();
    String text;
    try (InputStream in = getClass().getResourceAsStream("/previous-release/coordinator-0.1.0.sql")) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      StringBuilder cur = new StringBuilder();
      for (String line : text.split("\n")) {
        if (!line.startsWith("--")) {
          cur.append(line).append('\n');
        }
        if (line.endsWith(";")) {
          s.execute(cur.toString().strip().replaceAll(";$", ""));
          cur.setLength(0);
        }
      }
      try (PreparedStatement job = c.prepareStatement("INSERT INTO jobs(job_id, purpose, spec, state, created)"
          + " VALUES ('churn', 'churn', ?, 'SUCCEEDED', ?)")) {
        job.setBytes(1, Wire.toProto(churn("churn")).toByteArray());
        job.setTimestamp(2, Timestamp.from(AT));
        job.executeUpdate();
      }
      try (PreparedStatement head = c.prepareStatement(
          "INSERT INTO countersigned_heads(site, seq, head_hash, at) VALUES ('bank', 7, ?, ?)")) {
        head.setBytes(1, new byte[] {1, 2, 3});
        head.setTimestamp(2, Timestamp.from(AT));
        head.executeUpdate();
      }
    }

    try (JdbcModelRegistry r = JdbcModelRegistry.open(url)) {
      List<String> versions = new ArrayList<>();
      try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT \"version\" FROM \"tandem_coordinator_schema_history\""
              + " WHERE \"version\" IS NOT NULL ORDER BY \"installed_rank\"")) {
        while (rs.next()) {
          versions.add(rs.getString(1));
        }
      }
      assertEquals(List.of("0", "1"), versions);
      assertEquals(churn("churn"), r.job("churn").orElseThrow().spec());
      assertEquals(7, r.lastCountersigned("bank").orElseThrow().seq());
      assertArrayEquals(new byte[] {1, 2, 3}, r.lastCountersigned("bank").orElseThrow().hash());

      r.jobStarted(churn("churn-2"), AT);
      r.saveVersion(new StoredModel("churn-2/v1", churn("churn-2"), 1, AT, Normalization.identity(1),
          new double[] {1, 2}, new RoundCompleted(1, List.of("bank", "telco"), 10, 0.5, 10, 0.7, 0.6, 0.8,
              "churn-2/v1", false, List.of())));
      r.jobEnded("churn-2", JobState.SUCCEEDED, "", AT);
      assertEquals(List.of("churn-2/v1"), r.versions("churn-2").stream().map(StoredModel::version).toList());
    }
  }
}
