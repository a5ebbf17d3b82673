package dev.tandem.node.consent;

import dev.tandem.node.db.NodeDatabase;
import dev.tandem.node.db.OwnerOnlyFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
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
 * the first start in its own owner-only file, outside the database that holds the raw subject ids,
 * so that a copy of the database alone does not link a pseudonym to an id. A secret that an older
 * node kept in the database (table {@code node_secrets}) is moved to the file once, so that every
 * pseudonym stays the same.
 *
 * <p>Thread-safe. {@link #toString()} never shows the secret.
 */
public final class Pseudonyms {
  /** Length of a pseudonym in bytes. */
  public static final int LENGTH = 32;

  static final String SECRET_NAME = "subject-pseudonym-hmac-sha256";
  private static final int SECRET_LENGTH = 32;
  private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

  private final SecretKeySpec key;
  private final ThreadLocal<Mac> macs;

  private Pseudonyms(byte[] secret) {
    this.key = new SecretKeySpec(secret, "HmacSHA256");
    this.macs = ThreadLocal.withInitial(this::newMac);
  }

  /**
   * Loads the node's secret from {@code secretFile}, creating it at the first start; a secret still
   * in the database at {@code jdbcUrl} is moved to the file first (and deleted from the database).
   *
   * @throws IllegalStateException if the file or the database cannot be read or written, holds a
   *     malformed secret, or the two hold different secrets
   */
  public static Pseudonyms open(Path secretFile, String jdbcUrl) {
    Objects.requireNonNull(secretFile, "secretFile");
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    try (Connection c = NodeDatabase.open(jdbcUrl)) {
      byte[] inDatabase = readFromDatabase(c);
      if (inDatabase != null) {
        if (inDatabase.length != SECRET_LENGTH) {
          throw new IllegalStateException("the node database holds a malformed pseudonym secret");
        }
        OwnerOnlyFiles.write(secretFile, HexFormat.of().formatHex(inDatabase), false);
        byte[] kept = load(secretFile);
        if (!MessageDigest.isEqual(kept, inDatabase)) {
          throw new IllegalStateException("the pseudonym secret in " + secretFile + " differs from the one in the"
              + " node database: pseudonyms would change; keep the right one and remove the other");
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM node_secrets WHERE name = ?")) {
          ps.setString(1, SECRET_NAME);
          ps.executeUpdate();
        }
        return new Pseudonyms(kept);
      }
    } catch (SQLException e) {
      throw NodeDatabase.cannotOpen(jdbcUrl, e);
    }
    OwnerOnlyFiles.readOrCreateSecret(secretFile, "pseudonym secret");
    return new Pseudonyms(load(secretFile));
  }

  private static byte[] load(Path file) {
    String hex = OwnerOnlyFiles.read(file, "pseudonym secret");
    if (!hex.matches("[0-9a-f]{" + 2 * SECRET_LENGTH + "}")) {
      throw new IllegalStateException("the pseudonym secret file " + file + " must hold " + 2 * SECRET_LENGTH
          + " lower-case hex characters");
    }
    return HexFormat.of().parseHex(hex);
  }

  /** The secret an older node kept in table node_secrets, or null (no table or no row). */
  private static byte[] readFromDatabase(Connection c) throws SQLException {
    try (ResultSet tables = c.getMetaData().getTables(null, null, "NODE_SECRETS", null)) {
      if (!tables.next()) {
        return null;
      }
    }
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
