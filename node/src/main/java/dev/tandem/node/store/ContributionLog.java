package dev.tandem.node.store;

import dev.tandem.node.db.NodeDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What this node sent to the coordinator: one row per answer, with a SHA-256 of the exact bytes
 * sent and whether the coordinator accepted it. Kept in the node's SQL database.
 *
 * <p>Thread-safe (one connection under this object's lock).
 */
public final class ContributionLog implements AutoCloseable {
  /** One answer the node sent. */
  public record Entry(Instant at, String jobId, int round, String kind, long samples, String sha256,
      String outcome) {}

  private final Connection connection;

  private ContributionLog(Connection connection) {
    this.connection = connection;
  }

  /**
   * Opens (creating if needed) the log in the database at a JDBC URL.
   *
   * @throws IllegalStateException with the database's message if it cannot be opened
   */
  public static ContributionLog open(String jdbcUrl) {
    Connection c = NodeDatabase.open(jdbcUrl);
    return new ContributionLog(c);
  }

  public synchronized void record(Entry e) {
    try (PreparedStatement ps = connection.prepareStatement(
        "INSERT INTO contributions(at, job_id, round, kind, samples, sha256, outcome) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
      ps.setTimestamp(1, Timestamp.from(e.at()));
      ps.setString(2, e.jobId());
      ps.setInt(3, e.round());
      ps.setString(4, e.kind());
      ps.setLong(5, e.samples());
      ps.setString(6, e.sha256());
      ps.setString(7, e.outcome().length() > 4000 ? e.outcome().substring(0, 4000) : e.outcome());
      ps.executeUpdate();
    } catch (SQLException ex) {
      throw NodeDatabase.error(ex);
    }
  }

  /** Every entry, oldest first. */
  public synchronized List<Entry> entries() {
    List<Entry> out = new ArrayList<>();
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery(
            "SELECT at, job_id, round, kind, samples, sha256, outcome FROM contributions ORDER BY id")) {
      while (rs.next()) {
        out.add(new Entry(rs.getTimestamp(1).toInstant(), rs.getString(2), rs.getInt(3), rs.getString(4),
            rs.getLong(5), rs.getString(6), rs.getString(7)));
      }
    } catch (SQLException ex) {
      throw NodeDatabase.error(ex);
    }
    return out;
  }

  @Override
  public synchronized void close() {
    NodeDatabase.close(connection);
  }
}
