package dev.tandem.node.vertical.scoring;

/**
 * The fixed point in which parties mask their partial scores: a partial p travels as round(p * 2^32)
 * plus a uniform mask, mod 2^64. The requester adds the masked values of the other parties and
 * subtracts the coordinator's sum of their masks: what is left is the sum of their fixed-point
 * partials, and nothing about any one of them. Partials are limited to |p| &lt; 2^24, so sums of up
 * to 64 parties never wrap. Pure.
 */
final class ScoreMasking {
  private static final double SCALE = 0x1p32;
  /** The largest magnitude of a partial score that can be masked. */
  static final double LIMIT = 0x1p24;

  private ScoreMasking() {}

  /**
   * The fixed-point value of {@code partial}.
   *
   * @throws IllegalArgumentException if it is not finite or |partial| &gt;= {@link #LIMIT}
   */
  static long encode(double partial) {
    if (!Double.isFinite(partial) || Math.abs(partial) >= LIMIT) {
      throw new IllegalArgumentException("a partial score must be finite and below 2^24 in magnitude, got " + partial);
    }
    return Math.round(partial * SCALE);
  }

  /** The number whose fixed-point value is {@code fixed} (a sum of {@link #encode}d values). */
  static double decode(long fixed) {
    return fixed / SCALE;
  }
}
