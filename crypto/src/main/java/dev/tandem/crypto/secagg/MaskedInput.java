package dev.tandem.crypto.secagg;

import java.util.Arrays;
import java.util.Objects;

/**
 * Round 2 (MaskedInputCollection): a site's encoded input plus its self mask and pairwise masks,
 * y_u in (Z_2^64)^d.
 *
 * <p>The vector is copied in and out. Wire format after the common header (type 3): roundId,
 * siteId, then d as an int and d big-endian longs.
 *
 * @param roundId the round
 * @param siteId the sending site
 * @param masked y_u, at least one coordinate
 */
public record MaskedInput(String roundId, String siteId, long[] masked) {

  /**
   * Validates and copies the fields.
   *
   * @throws IllegalArgumentException if an id is invalid or the vector is empty
   */
  public MaskedInput {
    Wire.checkId("roundId", roundId);
    Wire.checkId("siteId", siteId);
    Objects.requireNonNull(masked, "masked");
    if (masked.length == 0) {
      throw new IllegalArgumentException("masked input must have at least one coordinate");
    }
    masked = masked.clone();
  }

  /** Returns a copy of y_u. */
  @Override
  public long[] masked() {
    return masked.clone();
  }

  /** Returns d, the number of coordinates. */
  public int length() {
    return masked.length;
  }

  /** Adds y_u to {@code sum}, modulo 2^64, without copying. */
  void addTo(long[] sum) {
    for (int i = 0; i < masked.length; i++) {
      sum[i] += masked[i];
    }
  }

  /** Encodes the message in the wire format described on the type. */
  public byte[] toBytes() {
    return new Wire.Writer(Wire.MASKED_INPUT, 64 + masked.length * Long.BYTES)
        .string(roundId).string(siteId).longs(masked).toByteArray();
  }

  /**
   * Decodes a message written by {@link #toBytes()}.
   *
   * @throws SecAggException with reason MALFORMED naming the offending field
   */
  public static MaskedInput fromBytes(byte[] bytes) {
    Wire.Reader in = new Wire.Reader(bytes, Wire.MASKED_INPUT, "MaskedInput");
    String roundId = in.id("roundId");
    String siteId = in.id("siteId");
    long[] masked = in.longs("masked", 1);
    in.end();
    try {
      return new MaskedInput(roundId, siteId, masked);
    } catch (IllegalArgumentException e) {
      throw in.malformed(e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MaskedInput m
        && roundId.equals(m.roundId) && siteId.equals(m.siteId) && Arrays.equals(masked, m.masked);
  }

  @Override
  public int hashCode() {
    return Objects.hash(roundId, siteId, Arrays.hashCode(masked));
  }

  @Override
  public String toString() {
    return "MaskedInput[round=" + roundId + ", site=" + siteId + ", d=" + masked.length + "]";
  }
}
