package dev.tandem.node.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.certs.testing.TestPki;
import dev.tandem.node.config.NodeConfig;
import java.io.Reader;
import java.io.StringReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.Properties;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node's stores are closed to other hosts and users: issue #12, "the stores are open". */
class ClosedStoresTest {
  private static final String SUBJECT = "C-SECRET-1042";

  @TempDir
  Path dir;

  private final TestPki pki = TestPki.create();

  @BeforeEach
  void site() throws Exception {
    pki.writeSite(dir, pki.node("bank-1"));
    Files.writeString(dir.resolve("data.csv"), "id,x\na,1\n");
  }

  private Path config(String extra) throws Exception {
    Path file = dir.resolve("bank-1.yaml");
    Files.writeString(file, """
        site: bank-1
        coordinator: 127.0.0.1:7443
        tls: {cert: cert.pem, key: key.pem, ca: ca.pem, crl: crl.pem}
        data: {csv: data.csv, idColumn: id}
        database: node-db
        %s""".formatted(extra));
    return file;
  }

  private static void consent(NodeStores stores) {
    Reader csv = new StringReader("subject_id,purpose,state,since\n" + SUBJECT + ",churn,granted,2026-01-01\n");
    stores.consent().importCsv(csv);
  }

  private static String mode(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  @Test
  void open_autoServer_listensOnLoopbackOnlyAndRefusesConnectionsWithoutPassword() throws Exception {
    NodeConfig config = NodeConfig.load(config(""));
    try (NodeStores stores = NodeStores.open(config, Clock.systemUTC())) {
      Properties lock = new Properties();
      try (Reader r = Files.newBufferedReader(dir.resolve("node-db.lock.db"), StandardCharsets.ISO_8859_1)) {
        lock.load(r);
      }
      String server = lock.getProperty("server");
      String host = server.substring(0, server.lastIndexOf(':'));
      assertTrue(InetAddress.getByName(host).isLoopbackAddress(), "AUTO_SERVER listens on " + server);
      SQLException e = assertThrows(SQLException.class,
          () -> DriverManager.getConnection("jdbc:h2:file:" + dir.resolve("node-db") + ";AUTO_SERVER=TRUE").close());
      assertEquals("28000", e.getSQLState(), "no password: refused");
      assertFalse(config.toString().contains(Files.readString(dir.resolve("node-db.password")).strip()),
          "the password stays out of messages");
    }
  }

  @Test
  void open_databasePasswordAndPseudonymSecret_ownerOnlyFilesSecretOutsideTheDatabase() throws Exception {
    try (NodeStores stores = NodeStores.open(NodeConfig.load(config("")), Clock.systemUTC())) {
      consent(stores);
      for (String f : new String[] {"node-db.mv.db", "node-db.lock.db", "node-db.password",
          "node-db.pseudonym-secret"}) {
        assertEquals("rw-------", mode(dir.resolve(f)), f);
      }
    }
  }

  @Test
  void open_databaseKeyFile_encryptsAtRestAndReopens() throws Exception {
    Path plain = config("");
    try (NodeStores stores = NodeStores.open(NodeConfig.load(plain), Clock.systemUTC())) {
      consent(stores);
    }
    assertTrue(contains(dir.resolve("node-db.mv.db"), SUBJECT), "control: a plain database shows the id");

    Files.writeString(plain, Files.readString(plain).replace("database: node-db", "database: enc-db")
        + "databaseKeyFile: enc-db.key\n");
    try (NodeStores stores = NodeStores.open(NodeConfig.load(plain), Clock.systemUTC())) {
      consent(stores);
    }
    assertFalse(contains(dir.resolve("enc-db.mv.db"), SUBJECT), "the encrypted file shows no subject id");
    assertEquals("rw-------", mode(dir.resolve("enc-db.key")));
    try (NodeStores stores = NodeStores.open(NodeConfig.load(plain), Clock.systemUTC())) {
      assertTrue(stores.consent().current(SUBJECT, "churn").orElseThrow().granted());
    }
    Files.delete(dir.resolve("enc-db.key"));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> NodeConfig.load(plain));
    assertTrue(e.getMessage().contains("is missing"), e.getMessage());
  }

  @Test
  void load_databaseKeyFileWithJdbcUrlOrNotAName_refusedWithLine() throws Exception {
    Path file = config("databaseKeyFile: [a, b]\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NodeConfig.load(file));
    assertTrue(e.getMessage().contains("line 6") && e.getMessage().contains("databaseKeyFile must be a file name"),
        e.getMessage());
    Files.writeString(file, Files.readString(file).replace("database: node-db", "database: jdbc:h2:mem:x")
        .replace("databaseKeyFile: [a, b]", "databaseKeyFile: k.key"));
    e = assertThrows(IllegalArgumentException.class, () -> NodeConfig.load(file));
    assertTrue(e.getMessage().contains("line 6") && e.getMessage().contains("jdbc: URL"), e.getMessage());
  }

  @Test
  void open_databaseOfAnOlderNodeWithoutPassword_getsThePasswordAndKeepsItsRecords() throws Exception {
    String old = "jdbc:h2:file:" + dir.resolve("node-db");
    try (Connection c = DriverManager.getConnection(old); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE kept (x INT)");
      s.execute("INSERT INTO kept VALUES (42)");
    }
    try (NodeStores stores = NodeStores.open(NodeConfig.load(config("")), Clock.systemUTC())) {
      consent(stores);
    }
    SQLException e = assertThrows(SQLException.class, () -> DriverManager.getConnection(old).close());
    assertEquals("28000", e.getSQLState());
    String password = Files.readString(dir.resolve("node-db.password")).strip();
    try (Connection c = DriverManager.getConnection(old + ";PASSWORD=" + password); Statement s = c.createStatement();
        var rs = s.executeQuery("SELECT x FROM kept")) {
      assertTrue(rs.next());
      assertEquals(42, rs.getInt(1));
    }
  }

  private static boolean contains(Path file, String text) throws Exception {
    byte[] bytes = Files.readAllBytes(file);
    byte[] needle = text.getBytes(StandardCharsets.UTF_8);
    outer:
    for (int i = 0; i + needle.length <= bytes.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (bytes[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
