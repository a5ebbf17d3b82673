package dev.tandem.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

class PostgresServerTest {
  @Test
  void server_startsKeepsDataOverARestartAndRefusesAWrongPassword() throws SQLException {
    PostgresServer pg = PostgresServer.shared();
    String db = pg.createDatabase("fixture");
    try (Connection c = DriverManager.getConnection(pg.jdbcUrl(db), pg.user(), pg.password());
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE t (x INT)");
      s.execute("INSERT INTO t VALUES (42)");
    }
    pg.restart();
    try (Connection c = DriverManager.getConnection(pg.jdbcUrl(db), pg.user(), pg.password());
        Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT x, version() FROM t")) {
      rs.next();
      assertEquals(42, rs.getInt(1));
      assertEquals("PostgreSQL 14", rs.getString(2).substring(0, 13));
    }
    SQLException e = assertThrows(SQLException.class,
        () -> DriverManager.getConnection(pg.jdbcUrl(db), pg.user(), "wrong").close());
    assertEquals("28P01", e.getSQLState());
  }
}
