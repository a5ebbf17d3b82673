package dev.tandem.node.consent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PseudonymsTest {
  @TempDir
  Path dir;

  private Pseudonyms open(String name) {
    return Pseudonyms.open(dir.resolve(name + ".pseudonym-secret"), "jdbc:h2:file:" + dir.resolve(name));
  }

  @Test
  void of_sameDatabase_stableAcrossRestarts() {
    String first = open("node").of("alice");
    assertEquals(first, open("node").of("alice"));
    assertEquals(64, first.length());
    assertEquals(first, Pseudonyms.checkPseudonym(first));
    assertNotEquals(first, open("node").of("alicE"));
  }

  @Test
  void of_otherNode_otherSecretOtherPseudonym() {
    Pseudonyms a = open("a");
    Pseudonyms b = open("b");
    assertNotEquals(a.of("alice"), b.of("alice"));
    assertNotEquals(a.of("alice"), a.of("bob"));
    assertFalse(a.toString().contains(a.of("alice")));
    assertTrue(a.toString().contains("hidden"));
  }

  @Test
  void checkPseudonym_malformed_throws() {
    assertThrows(IllegalArgumentException.class, () -> Pseudonyms.checkPseudonym("ABC"));
    assertThrows(IllegalArgumentException.class, () -> Pseudonyms.checkPseudonym("A".repeat(64)));
    assertThrows(IllegalArgumentException.class, () -> open("c").of("bad\nid"));
  }

  @Test
  void of_loneSurrogate_refusedInsteadOfSharingThePseudonymOfQuestionMark() {
    Pseudonyms p = open("node");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.of("C-\uD800"));
    assertTrue(e.getMessage().contains("lone surrogate U+D800"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> p.of("C-\uDC00x"));
    assertNotEquals(p.of("C-?"), p.of("C-\uD83D\uDE00"), "a well-formed pair is its own id");
  }

  @Test
  void open_secretInOwnOwnerOnlyFileNotInTheDatabase() throws Exception {
    Pseudonyms p = open("node");
    Path file = dir.resolve("node.pseudonym-secret");
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    byte[] secret = HexFormat.of().parseHex(Files.readString(file, StandardCharsets.US_ASCII).strip());
    assertEquals(32, secret.length);
    try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + dir.resolve("node"));
        ResultSet rs = c.getMetaData().getTables(null, null, "NODE_SECRETS", null)) {
      assertFalse(rs.next(), "the database holds no pseudonym secret");
    }
    assertEquals(64, p.of("alice").length());
  }

  @Test
  void open_secretOfAnOlderNodeInTheDatabase_movedToTheFileOncePseudonymsUnchanged() throws Exception {
    String url = "jdbc:h2:file:" + dir.resolve("old");
    byte[] secret = new byte[32];
    secret[0] = 7;
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE node_secrets (name VARCHAR(64) PRIMARY KEY, secret BYTEA NOT NULL)");
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO node_secrets VALUES (?, ?)")) {
        ps.setString(1, Pseudonyms.SECRET_NAME);
        ps.setBytes(2, secret);
        ps.executeUpdate();
      }
    }
    javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
    mac.init(new javax.crypto.spec.SecretKeySpec(secret, "HmacSHA256"));
    String expected = HexFormat.of().formatHex(mac.doFinal("alice".getBytes(StandardCharsets.UTF_8)));

    assertEquals(expected, open("old").of("alice"));
    assertEquals(HexFormat.of().formatHex(secret),
        Files.readString(dir.resolve("old.pseudonym-secret"), StandardCharsets.US_ASCII).strip());
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM node_secrets")) {
      rs.next();
      assertEquals(0, rs.getInt(1), "the secret left the database");
    }
    assertEquals(expected, open("old").of("alice"), "stable after the move");
  }
}
