package dev.tandem.vertical;

import dev.tandem.crypto.paillier.PaillierCiphertext;
import dev.tandem.crypto.paillier.PaillierPublicKey;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The wire form of a vector of ciphertexts under one key: a 4-byte big-endian count, then each
 * ciphertext in the key's fixed length. Parsing checks the length and every ciphertext.
 */
public final class Ciphertexts {
  private Ciphertexts() {}

  /** Returns the wire form of {@code values} under {@code key}. */
  public static byte[] toBytes(PaillierPublicKey key, PaillierCiphertext[] values) {
    Objects.requireNonNull(key, "key");
    int size = key.parameters().ciphertextBytes();
    ByteBuffer out = ByteBuffer.allocate(Integer.BYTES + values.length * size);
    out.putInt(values.length);
    for (PaillierCiphertext c : values) {
      out.put(c.toBytes(key));
    }
    return out.array();
  }

  /**
   * Parses a vector of {@code expected} ciphertexts.
   *
   * @throws IllegalArgumentException if the count differs from {@code expected}, the length does not
   *     match the count, or a ciphertext is not a valid ciphertext under {@code key} (the unit checks
   *     are batched, see {@link PaillierCiphertext#fromBytes(PaillierPublicKey, byte[], int, int)})
   */
  public static PaillierCiphertext[] fromBytes(PaillierPublicKey key, byte[] bytes, int expected) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(bytes, "bytes");
    int size = key.parameters().ciphertextBytes();
    if (bytes.length < Integer.BYTES) {
      throw new IllegalArgumentException("ciphertext vector of " + bytes.length + " bytes has no count");
    }
    ByteBuffer in = ByteBuffer.wrap(bytes);
    int count = in.getInt();
    if (count != expected) {
      throw new IllegalArgumentException("expected " + expected + " ciphertexts, got " + count);
    }
    if ((long) bytes.length != Integer.BYTES + (long) count * size) {
      throw new IllegalArgumentException("a vector of " + count + " ciphertexts must be "
          + (Integer.BYTES + (long) count * size) + " bytes, got " + bytes.length);
    }
    return PaillierCiphertext.fromBytes(key, bytes, Integer.BYTES, count);
  }
}
