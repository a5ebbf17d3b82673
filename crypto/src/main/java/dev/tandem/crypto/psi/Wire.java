package dev.tandem.crypto.psi;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The binary format of PSI messages and the checks every received message goes through.
 *
 * <p>A message is int magic {@code 0x54505349} ("TPSI"), a version byte (1), a type byte, the
 * type's fixed fields, an int count and then count points of 32 bytes each ({@link Points}).
 * Integers are big-endian. The byte length must match the count exactly.
 */
final class Wire {
  static final int MAGIC = 0x54505349;
  static final byte VERSION = 1;
  static final byte BLINDED_IDS = 1;
  static final byte REBLINDED = 2;
  static final int HEADER = 6;
  static final int DIGEST = 32;
  /** At most 2^25 points (1 GiB) per message. */
  static final int MAX_POINTS = 1 << 25;

  private Wire() {}

  /** Writes magic, version and type. */
  static void header(ByteBuffer out, byte type) {
    out.putInt(MAGIC).put(VERSION).put(type);
  }

  /** Reads and checks magic, version and type; the buffer must hold at least {@link #HEADER} bytes. */
  static void checkHeader(ByteBuffer in, byte type, String name) {
    if (in.remaining() < HEADER) {
      throw malformed(name, "shorter than its header");
    }
    if (in.getInt() != MAGIC) {
      throw malformed(name, "bad magic");
    }
    if (in.get() != VERSION) {
      throw malformed(name, "unsupported version");
    }
    if (in.get() != type) {
      throw malformed(name, "wrong message type");
    }
  }

  /** Reads the count and the points that must make up the rest of the buffer, checking each point. */
  static byte[] readPoints(ByteBuffer in, String name) {
    if (in.remaining() < Integer.BYTES) {
      throw malformed(name, "truncated before its count");
    }
    int count = in.getInt();
    if (count < 0 || count > MAX_POINTS) {
      throw malformed(name, "count " + count + " outside 0.." + MAX_POINTS);
    }
    long expected = (long) count * Ladder.SIZE;
    if (in.remaining() != expected) {
      throw malformed(name, count + " points need " + expected + " bytes, got " + in.remaining()
          + (in.remaining() > expected ? " (trailing bytes)" : ""));
    }
    byte[] points = new byte[count * Ladder.SIZE];
    in.get(points);
    checkPoints(points, count, name);
    return points;
  }

  /** Refuses the message if any point is not a valid group element, naming the first bad one. */
  static void checkPoints(byte[] points, int count, String name) {
    int bad = CurveCheck.firstInvalid(points, count);
    if (bad >= 0) {
      throw malformed(name, "point " + bad + " is " + Points.check(points, bad * Ladder.SIZE).description);
    }
  }

  /** SHA-256 of a message's bytes, computed over its parts. */
  static byte[] sha256(byte[]... parts) {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
    for (byte[] part : parts) {
      digest.update(part);
    }
    return digest.digest();
  }

  static PsiException malformed(String name, String detail) {
    return new PsiException(PsiException.Reason.MALFORMED, "malformed " + name + ": " + detail);
  }
}
