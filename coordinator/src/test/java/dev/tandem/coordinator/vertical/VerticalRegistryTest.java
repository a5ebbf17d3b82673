package dev.tandem.coordinator.vertical;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.coordinator.jobs.JobEvent.RoundCompleted;
import dev.tandem.coordinator.jobs.JobState;
import dev.tandem.coordinator.store.JdbcModelRegistry;
import dev.tandem.coordinator.store.JobRecord;
import dev.tandem.coordinator.store.ModelRegistry.VerticalVersion;
import dev.tandem.coordinator.store.StoredModel;
import dev.tandem.model.FeatureSpec;
import dev.tandem.model.JobSpec;
import dev.tandem.model.LabelSpec;
import dev.tandem.model.ModelSpec;
import dev.tandem.model.Normalization;
import dev.tandem.model.vertical.VerticalJobSpec;
import dev.tandem.proto.Wire;
import dev.tandem.testkit.TestDatabases;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

/** Vertical jobs and versions in the coordinator's database (embedded H2 and PostgreSQL), next to horizontal ones. */
@ParameterizedClass
@ValueSource(strings = {TestDatabases.H2, TestDatabases.POSTGRESQL})
class VerticalRegistryTest {
  @Parameter String database;
  @TempDir Path dir;

  private String url() {
    return TestDatabases.url(database, dir, "db");
  }

  private static JobSpec churn() {
    return new JobSpec("churn", "churn", ModelSpec.logisticRegression(0.0), List.of(FeatureSpec.numeric("x1")),
        LabelSpec.positiveIf("y", "1"), List.of("bank", "telco"), 1, 1, 0.1, 8, 2, 3);
  }

  @Test
  void verticalJob_storedAndReopened_keepsItsSpecAndAWeightlessVersionApartFromHorizontalOnes() {
    Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    VerticalJobSpec spec = VerticalJobTest.spec(4).withJobId("risk");
    RoundCompleted metrics = new RoundCompleted(4, spec.sites(), 20, 0.4, 20, 0.9, Double.NaN, Double.NaN,
        "risk/v4", false, List.of(), 20);
    try (JdbcModelRegistry r = JdbcModelRegistry.open(url())) {
      r.jobStarted(spec, at);
      r.saveVersion(new VerticalVersion("risk/v4", spec, at, metrics));
      r.jobEnded("risk", JobState.SUCCEEDED, "", at);
      r.jobStarted(churn(), at);
      r.saveVersion(new StoredModel("churn/v1", churn(), 1, at, Normalization.identity(1), new double[] {1, 2},
          new RoundCompleted(1, List.of("bank", "telco"), 10, 0.5, 10, 0.7, 0.6, 0.8, "churn/v1", false, List.of())));
      r.jobEnded("churn", JobState.SUCCEEDED, "", at);
      r.jobStarted(VerticalJobTest.spec(1).withJobId("running"), at);
    }
    try (JdbcModelRegistry r = JdbcModelRegistry.open(url())) {
      JobRecord job = r.job("risk").orElseThrow();
      assertTrue(job.isVertical());
      assertEquals(spec, job.vertical());
      assertEquals("credit-risk", job.purpose());
      assertEquals(JobState.SUCCEEDED, job.state());
      VerticalVersion v = r.verticalVersion("risk/v4").orElseThrow();
      assertEquals(spec, v.job());
      assertEquals(4, v.round());
      assertEquals(metrics, v.metrics());
      assertEquals(List.of("risk/v4"), r.verticalVersions(null).stream().map(VerticalVersion::version).toList());
      assertEquals(List.of("risk/v4"), r.verticalVersions("risk").stream().map(VerticalVersion::version).toList());

      assertFalse(r.version("risk/v4").isPresent(), "a vertical model is not a horizontal one");
      assertFalse(r.verticalVersion("churn/v1").isPresent());
      assertEquals(List.of("churn/v1"), r.versions(null).stream().map(StoredModel::version).toList());
      assertFalse(r.job("churn").orElseThrow().isVertical());
      assertEquals(0, r.version("churn/v1").orElseThrow().metrics().intersection());

      assertEquals(List.of("running"), r.failInterruptedJobs(at));
      assertEquals(JobState.FAILED, r.job("running").orElseThrow().state());
    }
  }

  @Test
  void open_databaseOfTheReleaseBeforeVerticalJobs_addsTheNewColumnsAndKeepsItsModels() throws Exception {
    Instant at = Instant.now();
    try (Connection c = DriverManager.getConnection(url()); Statement s = c.createStatement()) {
      s.execute("""
          CREATE TABLE jobs (job_id VARCHAR(64) PRIMARY KEY, purpose VARCHAR(128) NOT NULL, spec BYTEA NOT NULL,
            state VARCHAR(16) NOT NULL, reason VARCHAR(4000), created TIMESTAMP NOT NULL, finished TIMESTAMP)""");
      s.execute("""
          CREATE TABLE model_versions (version VARCHAR(80) PRIMARY KEY,
            job_id VARCHAR(64) NOT NULL REFERENCES jobs(job_id), round INT NOT NULL, created TIMESTAMP NOT NULL,
            sites VARCHAR(4000) NOT NULL, train_samples BIGINT NOT NULL, train_loss DOUBLE PRECISION NOT NULL,
            eval_samples BIGINT NOT NULL, auc DOUBLE PRECISION NOT NULL, log_loss DOUBLE PRECISION NOT NULL,
            accuracy DOUBLE PRECISION NOT NULL, norm_mean BYTEA NOT NULL, norm_scale BYTEA NOT NULL,
            parameters BYTEA NOT NULL, secure_aggregation BOOLEAN NOT NULL)""");
      try (PreparedStatement job = c.prepareStatement(
          "INSERT INTO jobs(job_id, purpose, spec, state, created) VALUES ('churn', 'churn', ?, 'SUCCEEDED', ?)")) {
        job.setBytes(1, Wire.toProto(churn()).toByteArray());
        job.setTimestamp(2, Timestamp.from(at));
        job.executeUpdate();
      }
      try (PreparedStatement v = c.prepareStatement("""
          INSERT INTO model_versions VALUES ('churn/v1', 'churn', 1, ?, 'bank,telco', 10, 0.5, 10, 0.7, 0.6, 0.8,
            ?, ?, ?, FALSE)""")) {
        v.setTimestamp(1, Timestamp.from(at));
        for (int i = 2; i <= 4; i++) {
          v.setBytes(i, new byte[0]);
        }
        v.executeUpdate();
      }
    }
    try (JdbcModelRegistry r = JdbcModelRegistry.open(url())) {
      assertEquals(churn(), r.job("churn").orElseThrow().spec());
      StoredModel m = r.version("churn/v1").orElseThrow();
      assertEquals(0.7, m.metrics().auc());
      assertEquals(0, m.metrics().intersection());
      assertTrue(r.verticalVersions(null).isEmpty());
      VerticalJobSpec spec = VerticalJobTest.spec(1).withJobId("risk");
      r.jobStarted(spec, at);
      assertEquals(spec, r.job("risk").orElseThrow().vertical());
    }
  }
}
