package dev.tandem.crypto.seal;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The public half of a {@link SealKeyPair}: a raw 32-byte X25519 public key (RFC 7748 encoding).
 *
 * <p>The array is copied in and out.
 */
public record SealPublicKey(byte[] encoded) {
  /** Length of an X25519 public key in bytes. */
  public static final int LENGTH = 32;

  /** Validates and copies the key; throws IllegalArgumentException unless it is 32 bytes. */
  public SealPublicKey {
    Objects.requireNonNull(encoded, "encoded");
    if (encoded.length != LENGTH) {
      throw new IllegalArgumentException(
          "X25519 public key must be " + LENGTH + " bytes, got " + encoded.length);
    }
    encoded = encoded.clone();
  }

  /** Returns a copy of the raw key. */
  @Override
  public byte[] encoded() {
    return encoded.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SealPublicKey other && Arrays.equals(encoded, other.encoded);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(encoded);
  }

  @Override
  public String toString() {
    return "SealPublicKey[" + HexFormat.of().formatHex(encoded) + "]";
  }
}
