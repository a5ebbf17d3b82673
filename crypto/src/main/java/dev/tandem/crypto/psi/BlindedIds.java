package dev.tandem.crypto.psi;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The first PSI message: a party's distinct ids, each hashed to curve25519 and raised to the
 * party's secret scalar, in a secret random order.
 *
 * <p>Immutable and thread safe. {@link #fromBytes} validates every point.
 */
public final class BlindedIds {
  private static final String NAME = "BlindedIds";

  private final byte[] points;
  private final byte[] digest;

  /** Takes ownership of points (count 32-byte u-coordinates, already valid). */
  BlindedIds(byte[] points) {
    this.points = points;
    this.digest = Wire.sha256(header(size()), points);
  }

  /** Returns the number of blinded ids (the sender's number of distinct ids). */
  public int size() {
    return points.length / Ladder.SIZE;
  }

  /** Returns the wire form: header, count, points. */
  public byte[] toBytes() {
    ByteBuffer out = ByteBuffer.allocate(Wire.HEADER + Integer.BYTES + points.length);
    Wire.header(out, Wire.BLINDED_IDS);
    out.putInt(size()).put(points);
    return out.array();
  }

  /**
   * Parses and validates a message.
   *
   * @throws PsiException MALFORMED if the bytes are not a BlindedIds message or any point is not
   *     a canonical curve25519 u-coordinate of a point of large order
   */
  public static BlindedIds fromBytes(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    ByteBuffer in = ByteBuffer.wrap(bytes);
    Wire.checkHeader(in, Wire.BLINDED_IDS, NAME);
    return new BlindedIds(Wire.readPoints(in, NAME));
  }

  /** The points, not copied. */
  byte[] points() {
    return points;
  }

  /** SHA-256 of {@link #toBytes()}, which a {@link Reblinded} reply quotes. */
  byte[] digest() {
    return digest.clone();
  }

  private static byte[] header(int count) {
    ByteBuffer out = ByteBuffer.allocate(Wire.HEADER + Integer.BYTES);
    Wire.header(out, Wire.BLINDED_IDS);
    return out.putInt(count).array();
  }
}
