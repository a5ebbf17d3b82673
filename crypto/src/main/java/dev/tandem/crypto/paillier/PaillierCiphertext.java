package dev.tandem.crypto.paillier;

import java.math.BigInteger;
import java.util.Objects;

/**
 * A Paillier ciphertext: an element of Z_{n^2}^* under some public key.
 *
 * <p>The record checks only that the value is positive; every operation of
 * {@link PaillierPublicKey} checks 0 &lt; c &lt; n^2, and {@link #fromBytes} and decryption also
 * check gcd(c, n) = 1. Immutable.
 *
 * @param value the residue c
 */
public record PaillierCiphertext(BigInteger value) {
  /**
   * Validates the value.
   *
   * @throws IllegalArgumentException if the value is zero or negative
   */
  public PaillierCiphertext {
    Objects.requireNonNull(value, "value");
    if (value.signum() <= 0) {
      throw new IllegalArgumentException("ciphertext must be positive, got sign " + value.signum());
    }
  }

  /**
   * Returns the fixed-length big-endian encoding under {@code key}
   * ({@link PaillierParameters#ciphertextBytes()} bytes).
   *
   * @throws IllegalArgumentException if the ciphertext is not below n^2
   */
  public byte[] toBytes(PaillierPublicKey key) {
    key.requireInRange(this);
    return FixedLengthBytes.encode(value, key.parameters().ciphertextBytes());
  }

  /**
   * Parses and fully checks a ciphertext under {@code key}.
   *
   * @throws IllegalArgumentException if the length is wrong, the value is not in (0, n^2), or it
   *     shares a factor with n
   */
  public static PaillierCiphertext fromBytes(PaillierPublicKey key, byte[] bytes) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(bytes, "bytes");
    int expected = key.parameters().ciphertextBytes();
    if (bytes.length != expected) {
      throw new IllegalArgumentException(
          "ciphertext must be " + expected + " bytes, got " + bytes.length);
    }
    BigInteger value = FixedLengthBytes.decode(bytes, 0, bytes.length);
    if (value.signum() == 0) {
      throw new IllegalArgumentException("ciphertext must be in (0, n^2), got 0");
    }
    return key.requireValid(new PaillierCiphertext(value));
  }

  /**
   * Parses and fully checks {@code count} consecutive ciphertexts under {@code key} starting at
   * {@code offset}. Same checks as {@link #fromBytes}, but the unit check is batched: one gcd of the
   * product of all values mod n instead of one gcd per ciphertext (about ten times cheaper per value
   * at 2048 bits); only a failing batch is checked value by value to name the culprit.
   *
   * @throws IllegalArgumentException naming the index of the first value that fails a check, or if
   *     the bytes do not hold {@code count} ciphertexts from {@code offset}
   */
  public static PaillierCiphertext[] fromBytes(PaillierPublicKey key, byte[] bytes, int offset, int count) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(bytes, "bytes");
    int size = key.parameters().ciphertextBytes();
    if (offset < 0 || count < 0 || (long) offset + (long) count * size > bytes.length) {
      throw new IllegalArgumentException(count + " ciphertexts of " + size + " bytes do not fit in "
          + bytes.length + " bytes from offset " + offset);
    }
    PaillierCiphertext[] out = new PaillierCiphertext[count];
    for (int i = 0; i < count; i++) {
      BigInteger value = FixedLengthBytes.decode(bytes, offset + i * size, size);
      if (value.signum() == 0) {
        throw new IllegalArgumentException("ciphertext " + i + " must be in (0, n^2), got 0");
      }
      try {
        out[i] = key.requireInRange(new PaillierCiphertext(value));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("ciphertext " + i + ": " + e.getMessage(), e);
      }
    }
    key.requireUnits(out);
    return out;
  }

  @Override
  public String toString() {
    return "PaillierCiphertext[" + value.bitLength() + " bits]";
  }
}
