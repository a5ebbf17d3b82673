package dev.tandem.node.data;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The version of a snapshot of the node's data: a SHA-256 digest, as 64 lowercase hex digits.
 *
 * <p>For a CSV file, the digest of its bytes as read; for a SQL query, the digest of its rows in query
 * order ({@link SqlSource}); with a held-out source too, the digest of both ({@link #combine}). Audit
 * entries of rounds record it as {@code dataVersion}.
 */
public record DataVersion(String sha256) {
  private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");

  /** @throws IllegalArgumentException unless 64 lowercase hex digits */
  public DataVersion {
    Objects.requireNonNull(sha256, "sha256");
    if (!HEX.matcher(sha256).matches()) {
      throw new IllegalArgumentException("a data version is 64 lowercase hex digits");
    }
  }

  /** The version whose digest is {@code digest} (32 bytes). */
  static DataVersion of(byte[] digest) {
    if (digest.length != 32) {
      throw new IllegalArgumentException("a SHA-256 digest is 32 bytes");
    }
    return new DataVersion(HexFormat.of().formatHex(digest));
  }

  /**
   * The version of a training source read with a held-out source:
   * SHA-256("tandem-data-v1" || train digest || held-out digest), the digests as their 32 raw bytes.
   */
  static DataVersion combine(DataVersion train, DataVersion heldOut) {
    MessageDigest sha = newSha256();
    sha.update("tandem-data-v1".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    sha.update(HexFormat.of().parseHex(train.sha256()));
    sha.update(HexFormat.of().parseHex(heldOut.sha256()));
    return of(sha.digest());
  }

  static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is unavailable", e);
    }
  }

  @Override
  public String toString() {
    return sha256;
  }
}
