package dev.tandem.crypto.secagg;

import java.util.Objects;

/**
 * Fixed-point encoding of real vectors into the ring Z_2^64, in which masked sums are computed.
 *
 * <p>A coordinate x is clipped to [-clip, clip] and encoded as the long round(x * 2^f) (rounding
 * half up, {@link Math#round(double)}); Java's long arithmetic is arithmetic modulo 2^64.
 *
 * <p>Headroom: the sum of k encodings is decoded exactly, that is
 * {@code decode(sum_i encode(x_i))[j]} equals the exact sum of the rounded values
 * round(x_ij * 2^f) / 2^f, provided k * clip * 2^f &lt; 2^63 (checked as
 * k * round(clip * 2^f) &lt;= 2^63 - 1 by {@link #supportsSumOf(int)} and
 * {@link #forSum(int, double, int)}): the wrapped sum then never leaves the signed range of a long.
 * The conversion to double adds no error while the integer sum stays within 2^53 in magnitude.
 *
 * @param fractionalBits f, the number of bits after the binary point, in [0, 62]
 * @param clip the largest magnitude encoded, finite and positive, with clip * 2^f &lt; 2^63
 */
public record FixedPoint(int fractionalBits, double clip) {
  private static final double TWO_63 = 0x1p63;

  /**
   * Validates the parameters.
   *
   * @throws IllegalArgumentException if f is outside [0, 62], clip is not finite and positive, or
   *     clip * 2^f is not below 2^63
   */
  public FixedPoint {
    if (fractionalBits < 0 || fractionalBits > 62) {
      throw new IllegalArgumentException("fractionalBits must be in [0, 62], got " + fractionalBits);
    }
    if (!(clip > 0) || Double.isInfinite(clip)) {
      throw new IllegalArgumentException("clip must be finite and > 0, got " + clip);
    }
    if (Math.scalb(clip, fractionalBits) >= TWO_63) {
      throw new IllegalArgumentException(
          "clip * 2^fractionalBits must be < 2^63, got clip=" + clip + ", fractionalBits=" + fractionalBits);
    }
  }

  /**
   * Returns an encoding whose sums over up to {@code maxParties} vectors decode exactly.
   *
   * @throws IllegalArgumentException if the parameters are invalid or
   *     maxParties * clip * 2^fractionalBits is not below 2^63
   */
  public static FixedPoint forSum(int maxParties, double clip, int fractionalBits) {
    if (maxParties < 1) {
      throw new IllegalArgumentException("maxParties must be >= 1, got " + maxParties);
    }
    FixedPoint encoding = new FixedPoint(fractionalBits, clip);
    if (!encoding.supportsSumOf(maxParties)) {
      throw new IllegalArgumentException("no headroom for a sum of " + maxParties + " vectors: "
          + maxParties + " * " + clip + " * 2^" + fractionalBits + " must be < 2^63");
    }
    return encoding;
  }

  /** Returns whether a sum of {@code parties} encoded vectors stays within the signed range of a long. */
  public boolean supportsSumOf(int parties) {
    if (parties < 1) {
      throw new IllegalArgumentException("parties must be >= 1, got " + parties);
    }
    return maxEncoded() <= Long.MAX_VALUE / parties;
  }

  /** Returns round(clip * 2^f), the largest magnitude of an encoded coordinate. */
  public long maxEncoded() {
    return Math.round(Math.scalb(clip, fractionalBits));
  }

  /**
   * Encodes {@code values}, clipping each coordinate to [-clip, clip].
   *
   * @throws IllegalArgumentException naming the index of the first NaN or infinite coordinate
   */
  public long[] encode(double[] values) {
    Objects.requireNonNull(values, "values");
    long[] out = new long[values.length];
    // multiplying by a power of two is exact here (no overflow within the clip), and cheaper than scalb
    double scale = Math.scalb(1.0, fractionalBits);
    for (int i = 0; i < values.length; i++) {
      double v = values[i];
      if (Double.isNaN(v) || Double.isInfinite(v)) {
        throw new IllegalArgumentException("values[" + i + "] is " + v + "; only finite values can be encoded");
      }
      out[i] = Math.round(Math.max(-clip, Math.min(clip, v)) * scale);
    }
    return out;
  }

  /** Decodes one ring element, read as a signed long, to a real: value / 2^f. */
  public double decode(long value) {
    return Math.scalb((double) value, -fractionalBits);
  }

  /** Decodes a vector of ring elements (typically a sum of encodings) with {@link #decode(long)}. */
  public double[] decode(long[] values) {
    Objects.requireNonNull(values, "values");
    double[] out = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = decode(values[i]);
    }
    return out;
  }
}
