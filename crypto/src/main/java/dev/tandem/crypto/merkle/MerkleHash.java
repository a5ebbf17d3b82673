package dev.tandem.crypto.merkle;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;

/**
 * The hashes of an RFC 6962 / RFC 9162 Merkle tree over SHA-256: a leaf is hashed with a 0x00
 * prefix, an interior node with a 0x01 prefix before its two children, and the empty tree's root is
 * SHA-256 of the empty string.
 *
 * <p>Thread-safe; every method returns a fresh array.
 */
public final class MerkleHash {
  /** Length of every hash in bytes. */
  public static final int LENGTH = 32;

  private static final byte LEAF_PREFIX = 0x00;
  private static final byte NODE_PREFIX = 0x01;

  private MerkleHash() {}

  /** SHA-256(0x00 || data). */
  public static byte[] leaf(byte[] data) {
    Objects.requireNonNull(data, "data");
    MessageDigest sha = sha256();
    sha.update(LEAF_PREFIX);
    sha.update(data);
    return sha.digest();
  }

  /**
   * SHA-256(0x01 || left || right).
   *
   * @throws IllegalArgumentException if either child is not 32 bytes
   */
  public static byte[] node(byte[] left, byte[] right) {
    checkHash("left", left);
    checkHash("right", right);
    MessageDigest sha = sha256();
    sha.update(NODE_PREFIX);
    sha.update(left);
    sha.update(right);
    return sha.digest();
  }

  /** The root of the empty tree: SHA-256 of no bytes. */
  public static byte[] emptyRoot() {
    return sha256().digest();
  }

  static void node(MessageDigest sha, byte[] from, int left, int right, byte[] to, int out) {
    sha.update(NODE_PREFIX);
    sha.update(from, left, LENGTH);
    sha.update(from, right, LENGTH);
    try {
      sha.digest(to, out, LENGTH);
    } catch (java.security.DigestException e) {
      throw new IllegalStateException("SHA-256 cannot write its digest", e);
    }
  }

  static void checkHash(String name, byte[] hash) {
    Objects.requireNonNull(hash, name);
    if (hash.length != LENGTH) {
      throw new IllegalArgumentException(name + " must be " + LENGTH + " bytes, got " + hash.length);
    }
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-256", e);
    }
  }
}
