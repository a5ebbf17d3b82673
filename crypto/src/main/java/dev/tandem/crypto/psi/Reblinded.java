package dev.tandem.crypto.psi;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The second PSI message: the peer's blinded ids raised to the sender's secret scalar as well, in
 * the order they were received, with the SHA-256 of the {@link BlindedIds} message they answer.
 *
 * <p>Immutable and thread safe. {@link #fromBytes} validates every point.
 */
public final class Reblinded {
  private static final String NAME = "Reblinded";

  private final byte[] answers;
  private final byte[] points;

  /** Takes ownership of both arrays (already valid). */
  Reblinded(byte[] answers, byte[] points) {
    this.answers = answers;
    this.points = points;
  }

  /** Returns the number of points (the size of the request it answers). */
  public int size() {
    return points.length / Ladder.SIZE;
  }

  /** Returns the wire form: header, digest of the request, count, points. */
  public byte[] toBytes() {
    ByteBuffer out = ByteBuffer.allocate(Wire.HEADER + Wire.DIGEST + Integer.BYTES + points.length);
    Wire.header(out, Wire.REBLINDED);
    out.put(answers).putInt(size()).put(points);
    return out.array();
  }

  /**
   * Parses and validates a message.
   *
   * @throws PsiException MALFORMED if the bytes are not a Reblinded message or any point is not a
   *     canonical curve25519 u-coordinate of a point of large order
   */
  public static Reblinded fromBytes(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    ByteBuffer in = ByteBuffer.wrap(bytes);
    Wire.checkHeader(in, Wire.REBLINDED, NAME);
    if (in.remaining() < Wire.DIGEST) {
      throw Wire.malformed(NAME, "truncated in its request digest");
    }
    byte[] answers = new byte[Wire.DIGEST];
    in.get(answers);
    return new Reblinded(answers, Wire.readPoints(in, NAME));
  }

  byte[] answers() {
    return answers;
  }

  byte[] points() {
    return points;
  }
}
