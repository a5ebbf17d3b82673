package dev.tandem.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.testkit.PostgresServer;
import dev.tandem.testkit.TestDatabases;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

/** Migrations and the store connection, on embedded H2 and PostgreSQL ({@code db/migration/dbtest}: V1, V2). */
@ParameterizedClass
@ValueSource(strings = {TestDatabases.H2, TestDatabases.POSTGRESQL})
class StoreDatabaseTest {
  @Parameter String database;
  @TempDir Path dir;

  private Connection open(String url) throws SQLException {
    return StoreDatabase.open(url, "dbtest", 4, () -> DriverManager.getConnection(url));
  }

  private static List<String> column(Connection c, String sql) throws SQLException {
    List<String> values = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        values.add(rs.getString(1));
      }
    }
    return values;
  }

  @Test
  void open_emptyDatabase_migratesToTheNewestVersion() throws SQLException {
    String url = TestDatabases.url(database, dir, "fresh");
    try (Connection c = open(url); Statement s = c.createStatement()) {
      s.execute("INSERT INTO items(id, name) VALUES (1, 'a')");
      assertEquals(List.of("none"), column(c, "SELECT note FROM items"));
      assertEquals(List.of("1", "2"), column(c, "SELECT \"version\" FROM \"tandem_dbtest_schema_history\""
          + " WHERE \"version\" IS NOT NULL ORDER BY \"installed_rank\""));
    }
    try (Connection again = open(url)) {
      assertEquals(List.of("a"), column(again, "SELECT name FROM items"), "reopening migrates nothing twice");
    }
  }

  @Test
  void open_tablesOfAReleaseBeforeMigrations_baselinedAndUpgradedKeepingTheRows() throws SQLException {
    String url = TestDatabases.url(database, dir, "old");
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE items (id BIGINT PRIMARY KEY, name VARCHAR(100) NOT NULL)");
      s.execute("INSERT INTO items(id, name) VALUES (7, 'kept')");
    }
    try (Connection c = open(url)) {
      assertEquals(List.of("kept"), column(c, "SELECT name || '/' || note FROM items").stream()
          .map(v -> v.substring(0, v.indexOf('/'))).toList());
      assertEquals(List.of("0", "1", "2"), column(c, "SELECT \"version\" FROM \"tandem_dbtest_schema_history\""
          + " WHERE \"version\" IS NOT NULL ORDER BY \"installed_rank\""));
    }
  }

  @Test
  void close_lastStore_closesThePoolAndAClosedConnectionRefusesUse() throws SQLException {
    String url = TestDatabases.url(database, dir, "closing");
    Connection first = open(url);
    Connection second = open(url);
    first.close();
    assertTrue(first.isClosed());
    assertFalse(second.isClosed());
    assertEquals(List.of(), column(second, "SELECT name FROM items"));
    second.close();
    SQLException e = assertThrows(SQLException.class, second::createStatement);
    assertEquals("08003", e.getSQLState());
  }

  @Test
  void redact_hidesThePasswordOfEitherUrlForm() {
    assertEquals("jdbc:h2:file:/x;AUTO_SERVER=TRUE;PASSWORD=(hidden)",
        StoreDatabase.redact("jdbc:h2:file:/x;AUTO_SERVER=TRUE;PASSWORD=s3cret"));
    assertEquals("jdbc:postgresql://h/db?user=u&password=(hidden)&ssl=true",
        StoreDatabase.redact("jdbc:postgresql://h/db?user=u&password=s3cret&ssl=true"));
  }
}
