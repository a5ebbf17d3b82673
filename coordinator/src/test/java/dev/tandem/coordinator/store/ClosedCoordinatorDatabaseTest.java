package dev.tandem.coordinator.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.coordinator.config.CoordinatorConfig;
import java.io.Reader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The coordinator's database is closed to other hosts and users: issue #12, "the stores are open". */
class ClosedCoordinatorDatabaseTest {
  @TempDir
  Path dir;

  @Test
  void open_autoServerOnLoopbackWithPasswordOwnerOnlyFiles() throws Exception {
    String url = CoordinatorConfig.databaseUrl(dir, "coordinator-db");
    try (ModelRegistry registry = JdbcModelRegistry.open(url)) {
      Properties lock = new Properties();
      try (Reader r = Files.newBufferedReader(dir.resolve("coordinator-db.lock.db"), StandardCharsets.ISO_8859_1)) {
        lock.load(r);
      }
      String server = lock.getProperty("server");
      assertTrue(InetAddress.getByName(server.substring(0, server.lastIndexOf(':'))).isLoopbackAddress(), server);
      SQLException e = assertThrows(SQLException.class, () -> DriverManager.getConnection(
          "jdbc:h2:file:" + dir.resolve("coordinator-db") + ";AUTO_SERVER=TRUE").close());
      assertEquals("28000", e.getSQLState());
      for (String f : new String[] {"coordinator-db.mv.db", "coordinator-db.lock.db", "coordinator-db.password"}) {
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(f))), f);
      }
    }
    assertFalse(EmbeddedDatabase.redact(url).contains(Files.readString(dir.resolve("coordinator-db.password")).strip()));
  }

  @Test
  void open_databaseOfAnOlderCoordinatorWithoutPassword_getsOneAndKeepsItsRows() throws Exception {
    String old = "jdbc:h2:file:" + dir.resolve("coordinator-db");
    try (Connection c = DriverManager.getConnection(old); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE kept (x INT)");
    }
    try (ModelRegistry registry = JdbcModelRegistry.open(CoordinatorConfig.databaseUrl(dir, "coordinator-db"))) {
      assertTrue(registry != null);
    }
    assertEquals("28000", assertThrows(SQLException.class, () -> DriverManager.getConnection(old).close())
        .getSQLState());
  }
}
