package dev.tandem.node.consent;

import dev.tandem.node.db.NodeDatabase;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Maps a subject id to its pseudonym: HMAC-SHA256 of the id's UTF-8 bytes under a per-node secret,
 * as 64 lower-case hex characters. The secret (32 bytes from {@link SecureRandom}) is created at
 * the first start and kept in the node database, table {@code node_secrets}; without it nobody can
 * link a pseudonym to an id.
 *
 * <p>Thread-safe. {@link #toString()} never shows the secret.
 */
public final class Pseudonyms {
  /** Length of a pseudonym in bytes. */
  public static final int LENGTH = 32;

  static final String SECRET_NAME = "subject-pseudonym-hmac-sha256";
  private static final int SECRET_LENGTH = 32;
  private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SecretKeySpec key;
  private final ThreadLocal<Mac> macs;

  private Pseudonyms(byte[] secret) {
    this.key = new SecretKeySpec(secret, "HmacSHA256");
    this.macs = ThreadLocal.withInitial(this::newMac);
  }

  /**
   * Loads the node's secret from the database at {@code jdbcUrl}, creating the table and the
   * secret if this is the first start.
   *
   * @throws IllegalStateException with the database's message if it cannot be read or written
   */
  public static Pseudonyms open(String jdbcUrl) {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    try (Connection c = NodeDatabase.open(jdbcUrl,
        "CREATE TABLE IF NOT EXISTS node_secrets (name VARCHAR(64) PRIMARY KEY, secret BYTEA NOT NULL)")) {
      byte[] secret = read(c);
      if (secret == null) {
        byte[] fresh = new byte[SECRET_LENGTH];
        RANDOM.nextBytes(fresh);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO node_secrets(name, secret) VALUES (?, ?)")) {
          ps.setString(1, SECRET_NAME);
          ps.setBytes(2, fresh);
          ps.executeUpdate();
        } catch (SQLException e) {
          if (!"23505".equals(e.getSQLState())) {
            throw e;
          }
          // another process created it first: use theirs
        }
        secret = read(c);
      }
      if (secret == null || secret.length != SECRET_LENGTH) {
        throw new IllegalStateException("the node database holds a malformed pseudonym secret");
      }
      return new Pseudonyms(secret);
    } catch (SQLException e) {
      throw NodeDatabase.cannotOpen(jdbcUrl, e);
    }
  }

  private static byte[] read(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT secret FROM node_secrets WHERE name = ?")) {
      ps.setString(1, SECRET_NAME);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getBytes(1) : null;
      }
    }
  }

  /**
   * The pseudonym of {@code subjectId} as 32 bytes.
   *
   * @throws IllegalArgumentException if the id is not valid ({@link Consent#checkSubjectId})
   */
  public byte[] bytes(String subjectId) {
    Consent.checkSubjectId(subjectId);
    return macs.get().doFinal(subjectId.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The pseudonym of {@code subjectId} as 64 lower-case hex characters.
   *
   * @throws IllegalArgumentException if the id is not valid ({@link Consent#checkSubjectId})
   */
  public String of(String subjectId) {
    return HexFormat.of().formatHex(bytes(subjectId));
  }

  /**
   * Checks that {@code pseudonym} is 64 lower-case hex characters.
   *
   * @return the pseudonym
   * @throws IllegalArgumentException otherwise
   */
  public static String checkPseudonym(String pseudonym) {
    if (pseudonym == null || !HEX64.matcher(pseudonym).matches()) {
      throw new IllegalArgumentException("a pseudonym must be 64 lower-case hex characters, got '" + pseudonym + "'");
    }
    return pseudonym;
  }

  private Mac newMac() {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM cannot compute HMAC-SHA256", e);
    }
  }

  @Override
  public String toString() {
    return "Pseudonyms[HMAC-SHA256, secret hidden]";
  }
}
