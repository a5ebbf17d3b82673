package dev.tandem.node.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tandem.certs.testing.TestPki;
import dev.tandem.model.FeatureSpec;
import dev.tandem.model.Normalization;
import dev.tandem.node.audit.AuditEntryType;
import dev.tandem.node.audit.AuditLog;
import dev.tandem.node.consent.ConsentRegistry;
import dev.tandem.node.consent.ConsentState;
import dev.tandem.node.consent.MutableClock;
import dev.tandem.node.consent.Pseudonyms;
import dev.tandem.node.privacy.PrivacyLedger;
import dev.tandem.node.training.DpSteps;
import dev.tandem.node.vertical.VerticalModelPiece;
import dev.tandem.node.vertical.VerticalModels;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node database made by release 0.1.0 (its CREATE TABLE statements, kept in
 * {@code previous-release/node-0.1.0.sql}, with rows in them) is opened by today's stores: Flyway
 * baselines it at version 0 and migrates it to the newest version, and the old rows are still
 * there and the stores go on writing beside them.
 */
class PreviousReleaseUpgradeTest {
  private static final Instant T0 = Instant.parse("2025-06-02T08:00:00Z");
  private static final DpSteps ROUND = new DpSteps(128.0 / 5587, 1.0, 87, 1e-5);

  @TempDir Path dir;

  /** The statements of a schema file, split at lines ending with ';'. */
  static List<String> statements(String resource) throws IOException {
    String text;
    try (InputStream in = PreviousReleaseUpgradeTest.class.getResourceAsStream(resource)) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    for (String line : text.split("\n")) {
      if (line.startsWith("--") || line.isBlank()) {
        continue;
      }
      cur.append(line).append('\n');
      if (line.endsWith(";")) {
        out.add(cur.substring(0, cur.length() - 2));
        cur.setLength(0);
      }
    }
    return out;
  }

  private static List<String> column(String url, String sql) throws SQLException {
    List<String> values = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        values.add(rs.getString(1));
      }
    }
    return values;
  }

  @Test
  void open_databaseOfTheReleaseBeforeMigrations_baselinedMigratedAndItsRowsKept() throws Exception {
    String url = "jdbc:h2:file:" + dir.resolve("node").toAbsolutePath();
    List<String> schema = statements("/previous-release/node-0.1.0.sql");
    assertEquals(19, schema.size()); // 15 tables, 4 indexes
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      for (String statement : schema) {
        s.execute(statement);
      }
      s.execute("INSERT INTO consent_events(subject_id, purpose, state, since, evidence, policy_version)"
          + " VALUES ('CUST-1', 'churn', 'GRANTED', TIMESTAMP WITH TIME ZONE '2025-06-01 08:00:00+00', 'crm:1', 'v1')");
      s.execute("INSERT INTO privacy_spends(at, purpose, job_id, round, sampling_rate, noise_multiplier, steps,"
          + " job_delta) VALUES (TIMESTAMP WITH TIME ZONE '2025-06-01 09:00:00+00', 'churn', 'job-0', 1, "
          + (128.0 / 5587) + ", 1.0, 87, 1e-5)");
      s.execute("INSERT INTO contributions(at, job_id, round, kind, samples, sha256, outcome) VALUES"
          + " (TIMESTAMP '2025-06-01 09:00:00', 'job-0', 1, 'GRADIENT', 128, '" + "ab".repeat(32) + "', 'ACCEPTED')");
      s.execute("INSERT INTO vertical_scoring_volume(requester, purpose, utc_day, ids) VALUES"
          + " ('bank', 'credit-risk', DATE '2025-06-02', 40)");
    }

    TestPki pki = TestPki.create(Clock.fixed(T0.minus(Duration.ofDays(1)), ZoneOffset.UTC));
    MutableClock clock = new MutableClock(T0);
    try (AuditLog log = AuditLog.open(url, pki.node("branch-north"), pki.ca().certificate(), clock);
        PrivacyLedger ledger = PrivacyLedger.open(url, clock);
        ContributionLog contributions = ContributionLog.open(url);
        VerticalModels models = VerticalModels.open(url, clock)) {
      Pseudonyms pseudonyms = Pseudonyms.open(dir.resolve("node.pseudonym-secret"), url);
      try (ConsentRegistry consent = ConsentRegistry.open(url, pseudonyms, log.consentJournal(), clock)) {
        assertEquals(List.of("0", "1"), column(url, "SELECT \"version\" FROM \"tandem_node_schema_history\""
            + " WHERE \"version\" IS NOT NULL ORDER BY \"installed_rank\""));

        assertEquals(ConsentState.GRANTED, consent.current("CUST-1", "churn").orElseThrow().state());
        consent.revoke("CUST-1", "churn", "crm:2", "v1");
        assertEquals(ConsentState.REVOKED, consent.current("CUST-1", "churn").orElseThrow().state());
        assertEquals(AuditEntryType.CONSENT_CHANGED, log.entries().get(log.entries().size() - 1).type());

        assertEquals(List.of(new PrivacyLedger.Spend(Instant.parse("2025-06-01T09:00:00Z"), "churn", "job-0", 1,
            ROUND)), ledger.spends("churn"));
        ledger.record("churn", "job-1", 1, ROUND);
        assertEquals(2, ledger.spends("churn").size());

        assertEquals("job-0", contributions.entries().get(0).jobId());
        assertEquals(40, models.countScoring("bank", "credit-risk", LocalDate.parse("2025-06-02"), 1, 1000)
            .orElseThrow());
        VerticalModelPiece piece = new VerticalModelPiece("job-1/v1", "job-1", "credit", "telco", false,
            List.of("bank", "telco"), List.of(FeatureSpec.numeric("calls")),
            new Normalization(new double[] {100}, new double[] {30}), new double[] {-0.75}, 0, null);
        models.save(piece); // into the release's CHARACTER LARGE OBJECT column
        assertEquals(piece, models.load("job-1/v1").orElseThrow());
      }
    }
  }
}
