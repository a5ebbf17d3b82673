package dev.tandem.crypto.paillier;

import java.math.BigInteger;
import java.util.Arrays;

/** Fixed-length big-endian encoding of non-negative integers. */
final class FixedLengthBytes {
  private FixedLengthBytes() {}

  /** Writes {@code value} into {@code length} bytes, big-endian, left-padded with zeros. */
  static byte[] encode(BigInteger value, int length) {
    if (value.signum() < 0) {
      throw new IllegalArgumentException("value must be non-negative");
    }
    byte[] raw = value.toByteArray();
    int start = raw.length > 1 && raw[0] == 0 ? 1 : 0;
    int significant = raw.length - start;
    if (significant > length) {
      throw new IllegalArgumentException(
          "value needs " + significant + " bytes, field has " + length);
    }
    byte[] out = new byte[length];
    System.arraycopy(raw, start, out, length - significant, significant);
    return out;
  }

  /** Reads the unsigned big-endian integer in bytes [from, from + length). */
  static BigInteger decode(byte[] bytes, int from, int length) {
    return new BigInteger(1, Arrays.copyOfRange(bytes, from, from + length));
  }
}
