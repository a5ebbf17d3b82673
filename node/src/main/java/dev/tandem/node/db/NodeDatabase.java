package dev.tandem.node.db;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The JDBC plumbing every store in the node's database shares: one connection per store, opened
 * with its schema statements ({@code CREATE TABLE IF NOT EXISTS ...}), and one way to report a
 * database failure. Stateless.
 */
public final class NodeDatabase {
  private NodeDatabase() {}

  /**
   * Connects to {@code jdbcUrl} and runs {@code schema} in order; the connection is closed again if
   * a statement fails.
   *
   * @throws IllegalStateException naming the URL and the database's message if it cannot be opened
   */
  public static Connection open(String jdbcUrl, String... schema) {
    Connection c;
    try {
      c = DriverManager.getConnection(jdbcUrl);
    } catch (SQLException e) {
      throw cannotOpen(jdbcUrl, e);
    }
    try (Statement s = c.createStatement()) {
      for (String statement : schema) {
        s.execute(statement);
      }
      return c;
    } catch (SQLException e) {
      closeQuietly(c);
      throw cannotOpen(jdbcUrl, e);
    }
  }

  /** The exception a store throws for a failed statement: "node database error: " and the database's message. */
  public static IllegalStateException error(SQLException e) {
    return new IllegalStateException("node database error: " + e.getMessage(), e);
  }

  /**
   * The exception for a database that cannot be opened or set up.
   */
  public static IllegalStateException cannotOpen(String jdbcUrl, SQLException e) {
    return new IllegalStateException("cannot open the node database " + jdbcUrl + ": " + e.getMessage(), e);
  }

  /**
   * Closes a store's connection.
   *
   * @throws IllegalStateException as {@link #error} if the database fails to close it
   */
  public static void close(Connection c) {
    try {
      c.close();
    } catch (SQLException e) {
      throw error(e);
    }
  }

  /** Closes {@code c} after another failure, which is the one reported. */
  public static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException suppressed) {
      // the failure that led here is the one to report
    }
  }
}
