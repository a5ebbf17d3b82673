package dev.tandem.coordinator.store;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.tandem.coordinator.jobs.JobEvent.RoundCompleted;
import dev.tandem.coordinator.jobs.JobEvent.SitePrivacy;
import dev.tandem.coordinator.jobs.JobState;
import dev.tandem.model.JobSpec;
import dev.tandem.model.Normalization;
import dev.tandem.model.vertical.VerticalJobSpec;
import dev.tandem.proto.VerticalWire;
import dev.tandem.proto.Wire;
import java.nio.ByteBuffer;
import dev.tandem.db.StoreDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A {@link ModelRegistry} in a SQL database: embedded H2 by default, PostgreSQL by URL.
 *
 * <p>One connection guarded by this object's lock; the coordinator writes a handful of rows per
 * round, so contention is not a concern. A job's {@code kind} says whether {@code spec} holds a
 * horizontal {@code JobSpec} or a {@code VerticalJobSpec} (wire form); the version of a vertical
 * model has empty normalization and parameters, its parties as sites and its intersection size.
 */
public final class JdbcModelRegistry implements ModelRegistry {
  /** The most connections on the coordinator's database at once (the registry holds one; the CLI's reads). */
  private static final int POOL_SIZE = 4;

  private final Connection connection;

  private JdbcModelRegistry(Connection connection) {
    this.connection = connection;
  }

  /**
   * Opens (and creates if needed) the registry at a JDBC URL.
   *
   * @throws IllegalStateException with the database's message if it cannot be opened
   */
  public static JdbcModelRegistry open(String jdbcUrl) {
    try {
      return new JdbcModelRegistry(StoreDatabase.open(jdbcUrl, "coordinator", POOL_SIZE,
          () -> EmbeddedDatabase.connect(jdbcUrl)));
    } catch (SQLException | IllegalStateException e) {
      throw new IllegalStateException("cannot open the coordinator database " + EmbeddedDatabase.redact(jdbcUrl) + ": "
          + EmbeddedDatabase.redact(e.getMessage()), e);
    }
  }


  private static final String HORIZONTAL = "HORIZONTAL";
  private static final String VERTICAL = "VERTICAL";

  @Override
  public synchronized void jobStarted(JobSpec spec, Instant at) {
    insertJob(spec.jobId(), spec.purpose(), HORIZONTAL, Wire.toProto(spec).toByteArray(), at);
  }

  @Override
  public synchronized void jobStarted(VerticalJobSpec spec, Instant at) {
    insertJob(spec.jobId(), spec.purpose(), VERTICAL, VerticalWire.toProto(spec).toByteArray(), at);
  }

  private void insertJob(String jobId, String purpose, String kind, byte[] spec, Instant at) {
    update("INSERT INTO jobs(job_id, purpose, kind, spec, state, created) VALUES (?, ?, ?, ?, ?, ?)",
        jobId, purpose, kind, spec, JobState.RUNNING.name(), Timestamp.from(at));
  }

  @Override
  public synchronized void jobEnded(String jobId, JobState state, String reason, Instant at) {
    update("UPDATE jobs SET state = ?, reason = ?, finished = ? WHERE job_id = ?",
        state.name(), reason, Timestamp.from(at), jobId);
  }

  @Override
  public synchronized void saveVersion(StoredModel m) {
    RoundCompleted r = m.metrics();
    insertVersion(m.version(), m.job().jobId(), m.round(), m.created(), r, m.normalization(), m.parameters());
    for (SitePrivacy p : r.privacy()) {
      update("INSERT INTO version_privacy(version, site, epsilon, delta) VALUES (?, ?, ?, ?)",
          m.version(), p.site(), p.epsilon(), p.delta());
    }
  }

  @Override
  public synchronized void saveVersion(VerticalVersion m) {
    insertVersion(m.version(), m.job().jobId(), m.round(), m.created(), m.metrics(), Normalization.identity(0),
        new double[0]);
  }

  private void insertVersion(String version, String jobId, int round, Instant created, RoundCompleted r,
      Normalization normalization, double[] parameters) {
    update("""
        INSERT INTO model_versions(version, job_id, round, created, sites, train_samples, train_loss,
          eval_samples, auc, log_loss, accuracy, norm_mean, norm_scale, parameters, secure_aggregation,
          intersection)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        version, jobId, round, Timestamp.from(created), String.join(",", r.sites()),
        r.trainSamples(), r.trainLoss(), r.evalSamples(), r.auc(), r.logLoss(), r.accuracy(),
        bytes(normalization.mean()), bytes(normalization.scale()), bytes(parameters),
        r.secureAggregation(), r.intersection());
  }

  @Override
  public synchronized Optional<JobRecord> job(String jobId) {
    try (PreparedStatement ps = connection.prepareStatement(
        "SELECT spec, state, reason, created, finished, kind FROM jobs WHERE job_id = ?")) {
      ps.setString(1, jobId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        Timestamp finished = rs.getTimestamp(5);
        boolean vertical = VERTICAL.equals(rs.getString(6));
        return Optional.of(new JobRecord(vertical ? null : spec(rs.getBytes(1)),
            vertical ? verticalSpec(rs.getBytes(1)) : null, JobState.valueOf(rs.getString(2)),
            rs.getString(3), rs.getTimestamp(4).toInstant(), finished == null ? null : finished.toInstant()));
      }
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  @Override
  public synchronized List<StoredModel> versions(String jobId) {
    try (PreparedStatement ps = selectVersions(HORIZONTAL, jobId == null ? null : "v.job_id", jobId)) {
      return readVersions(ps);
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  @Override
  public synchronized Optional<StoredModel> version(String version) {
    try (PreparedStatement ps = selectVersions(HORIZONTAL, "v.version", version)) {
      return readVersions(ps).stream().findFirst();
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  @Override
  public synchronized List<VerticalVersion> verticalVersions(String jobId) {
    try (PreparedStatement ps = selectVersions(VERTICAL, jobId == null ? null : "v.job_id", jobId)) {
      return readVerticalVersions(ps);
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  @Override
  public synchronized Optional<VerticalVersion> verticalVersion(String version) {
    try (PreparedStatement ps = selectVersions(VERTICAL, "v.version", version)) {
      return readVerticalVersions(ps).stream().findFirst();
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  /** Versions of jobs of one kind, all of them or those whose {@code column} equals {@code value}. */
  private PreparedStatement selectVersions(String kind, String column, String value) throws SQLException {
    PreparedStatement ps = connection.prepareStatement(SELECT_VERSION + " WHERE j.kind = ?"
        + (column == null ? "" : " AND " + column + " = ?") + " ORDER BY v.created, v.round");
    ps.setString(1, kind);
    if (column != null) {
      ps.setString(2, value);
    }
    return ps;
  }

  @Override
  public synchronized Optional<SignedHead> lastCountersigned(String site) {
    try (PreparedStatement ps = connection.prepareStatement(
        "SELECT seq, head_hash, at FROM countersigned_heads WHERE site = ?")) {
      ps.setString(1, site);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next()
            ? Optional.of(new SignedHead(rs.getLong(1), rs.getBytes(2), rs.getTimestamp(3).toInstant()))
            : Optional.empty();
      }
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  @Override
  public synchronized void countersigned(String site, long seq, byte[] hash, Instant at) {
    update("DELETE FROM countersigned_heads WHERE site = ?", site);
    update("INSERT INTO countersigned_heads(site, seq, head_hash, at) VALUES (?, ?, ?, ?)", site, seq, hash,
        Timestamp.from(at));
  }

  @Override
  public synchronized List<String> failInterruptedJobs(Instant at) {
    List<String> ids = new ArrayList<>();
    try (PreparedStatement ps = connection.prepareStatement("SELECT job_id FROM jobs WHERE state = ?")) {
      ps.setString(1, JobState.RUNNING.name());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          ids.add(rs.getString(1));
        }
      }
    } catch (SQLException e) {
      throw failure(e);
    }
    for (String id : ids) {
      jobEnded(id, JobState.FAILED, "the coordinator stopped while the job was running", at);
    }
    return ids;
  }

  @Override
  public synchronized void close() {
    try {
      connection.close();
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  private static final String SELECT_VERSION = """
      SELECT v.version, j.spec, v.round, v.created, v.sites, v.train_samples, v.train_loss, v.eval_samples,
             v.auc, v.log_loss, v.accuracy, v.norm_mean, v.norm_scale, v.parameters, v.secure_aggregation,
             v.intersection
      FROM model_versions v JOIN jobs j ON j.job_id = v.job_id""";

  private List<StoredModel> readVersions(PreparedStatement ps) throws SQLException {
    List<StoredModel> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        RoundCompleted metrics = metrics(rs);
        out.add(new StoredModel(metrics.modelVersion(), spec(rs.getBytes(2)), metrics.round(),
            rs.getTimestamp(4).toInstant(), new Normalization(doubles(rs.getBytes(12)), doubles(rs.getBytes(13))),
            doubles(rs.getBytes(14)), metrics));
      }
    }
    return out;
  }

  private List<VerticalVersion> readVerticalVersions(PreparedStatement ps) throws SQLException {
    List<VerticalVersion> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        RoundCompleted metrics = metrics(rs);
        out.add(new VerticalVersion(metrics.modelVersion(), verticalSpec(rs.getBytes(2)),
            rs.getTimestamp(4).toInstant(), metrics));
      }
    }
    return out;
  }

  /** The metrics of the version on the current row of a {@link #SELECT_VERSION} result. */
  private RoundCompleted metrics(ResultSet rs) throws SQLException {
    String version = rs.getString(1);
    String sites = rs.getString(5);
    return new RoundCompleted(rs.getInt(3), sites.isEmpty() ? List.of() : Arrays.asList(sites.split(",")),
        rs.getLong(6), rs.getDouble(7), rs.getLong(8), rs.getDouble(9), rs.getDouble(10), rs.getDouble(11),
        version, rs.getBoolean(15), privacy(version), rs.getLong(16));
  }

  private List<SitePrivacy> privacy(String version) throws SQLException {
    List<SitePrivacy> out = new ArrayList<>();
    try (PreparedStatement ps = connection.prepareStatement(
        "SELECT site, epsilon, delta FROM version_privacy WHERE version = ? ORDER BY site")) {
      ps.setString(1, version);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new SitePrivacy(rs.getString(1), rs.getDouble(2), rs.getDouble(3)));
        }
      }
    }
    return out;
  }

  private void update(String sql, Object... args) {
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      ps.executeUpdate();
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  private static JobSpec spec(byte[] bytes) {
    try {
      return Wire.fromProto(dev.tandem.proto.v1.JobSpec.parseFrom(bytes));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("a stored job spec is corrupt: " + e.getMessage(), e);
    }
  }

  private static VerticalJobSpec verticalSpec(byte[] bytes) {
    try {
      return VerticalWire.fromProto(dev.tandem.proto.v1.VerticalJobSpec.parseFrom(bytes));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("a stored vertical job spec is corrupt: " + e.getMessage(), e);
    }
  }

  private static byte[] bytes(double[] values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * Double.BYTES);
    b.asDoubleBuffer().put(values);
    return b.array();
  }

  private static double[] doubles(byte[] bytes) {
    double[] out = new double[bytes.length / Double.BYTES];
    ByteBuffer.wrap(bytes).asDoubleBuffer().get(out);
    return out;
  }

  private static IllegalStateException failure(SQLException e) {
    return new IllegalStateException("coordinator database error: " + e.getMessage(), e);
  }
}
