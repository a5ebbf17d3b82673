package dev.tandem.db;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tandem.testkit.PostgresServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** A store's connection outlives a restart of the PostgreSQL server under it. */
class ServerRestartTest {
  @Test
  void storeConnection_serverRestartedBetweenTwoOperations_secondSucceeds() throws SQLException {
    try (PostgresServer pg = PostgresServer.start()) {
      String url = pg.jdbcUrl(pg.createDatabase("restart")) + "?user=" + pg.user() + "&password=" + pg.password();
      try (Connection c = StoreDatabase.open(url, "dbtest", 4, () -> DriverManager.getConnection(url))) {
        try (Statement s = c.createStatement()) {
          s.execute("INSERT INTO items(id, name) VALUES (1, 'before')");
        }
        pg.restart(); // stopping and starting takes far longer than the 100 ms after which a connection is checked
        try (Statement s = c.createStatement()) {
          s.execute("INSERT INTO items(id, name) VALUES (2, 'after')");
        }
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM items")) {
          rs.next();
          assertEquals(2, rs.getInt(1));
        }
      }
    }
  }
}
