package dev.tandem.crypto.paillier;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Objects;

/**
 * Signed fixed-point encoding of doubles as Paillier plaintexts and as short scalars.
 *
 * <p>A value x is the integer v = rint(x * 2^f) (round half to even, so encode(-x) = -encode(x)).
 * As a plaintext, v is v itself when v &gt;= 0 and n - |v| when v &lt; 0; a plaintext y decodes to
 * y - n when y &gt; n/2 and to y otherwise, so values with |v| &lt;= (n - 1)/2 round-trip and sums
 * and scalar products decode correctly while their true value stays in that range. As a scalar
 * (for {@link PaillierPublicKey#multiply(PaillierCiphertext, long)} and
 * {@link MultiExponentiation}) v is a long with |v| &lt; 2^62: keep f small so exponents stay
 * short. A product of an encoding with f1 fractional bits and a scalar with f2 decodes with
 * {@code new FixedPointCodec(f1 + f2)} ({@link #times}). Decoding rounds to the nearest double.
 *
 * @param fractionalBits f, the number of bits after the binary point, in [0, 1000]
 */
public record FixedPointCodec(int fractionalBits) {
  private static final double SCALAR_LIMIT = 0x1p62;

  /**
   * Validates the number of fractional bits.
   *
   * @throws IllegalArgumentException if it is outside [0, 1000]
   */
  public FixedPointCodec {
    if (fractionalBits < 0 || fractionalBits > 1000) {
      throw new IllegalArgumentException("fractionalBits must be in [0, 1000], got " + fractionalBits);
    }
  }

  /** Returns the codec of products of this codec's encodings with {@code other}'s. */
  public FixedPointCodec times(FixedPointCodec other) {
    return new FixedPointCodec(fractionalBits + other.fractionalBits);
  }

  /**
   * Returns rint(value * 2^f) as an exact signed integer.
   *
   * @throws IllegalArgumentException if the value is NaN or infinite, or overflows when scaled
   */
  public BigInteger encodeInteger(double value) {
    double scaled = Math.scalb(requireFinite(value), fractionalBits);
    if (Double.isInfinite(scaled)) {
      throw new IllegalArgumentException(value + " * 2^" + fractionalBits + " overflows a double");
    }
    double rounded = Math.rint(scaled);
    if (Math.abs(rounded) < SCALAR_LIMIT) {
      return BigInteger.valueOf((long) rounded);
    }
    return new BigDecimal(rounded).toBigIntegerExact();
  }

  /** Returns the double nearest to {@code integer} / 2^f. */
  public double decodeInteger(BigInteger integer) {
    return Math.scalb(integer.doubleValue(), -fractionalBits);
  }

  /**
   * Encodes {@code value} as a plaintext of {@code key}.
   *
   * @throws IllegalArgumentException if the value is not finite or |rint(value * 2^f)| &gt;
   *     (n - 1)/2
   */
  public BigInteger encode(double value, PaillierPublicKey key) {
    return toPlaintext(encodeInteger(value), key);
  }

  /**
   * Encodes each value as a plaintext of {@code key}.
   *
   * @throws IllegalArgumentException naming the index of the first value that cannot be encoded
   */
  public BigInteger[] encode(double[] values, PaillierPublicKey key) {
    Objects.requireNonNull(values, "values");
    BigInteger[] out = new BigInteger[values.length];
    for (int i = 0; i < values.length; i++) {
      try {
        out[i] = encode(values[i], key);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("value " + i + ": " + e.getMessage(), e);
      }
    }
    return out;
  }

  /**
   * Decodes a plaintext of {@code key}.
   *
   * @throws IllegalArgumentException if the plaintext is outside [0, n)
   */
  public double decode(BigInteger plaintext, PaillierPublicKey key) {
    return decodeInteger(toSigned(plaintext, key));
  }

  /**
   * Decodes each plaintext of {@code key}.
   *
   * @throws IllegalArgumentException naming the index of the first plaintext outside [0, n)
   */
  public double[] decode(BigInteger[] plaintexts, PaillierPublicKey key) {
    Objects.requireNonNull(plaintexts, "plaintexts");
    double[] out = new double[plaintexts.length];
    for (int i = 0; i < plaintexts.length; i++) {
      try {
        out[i] = decode(plaintexts[i], key);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("plaintext " + i + ": " + e.getMessage(), e);
      }
    }
    return out;
  }

  /**
   * Encodes {@code value} as a short signed scalar rint(value * 2^f).
   *
   * @throws IllegalArgumentException if the value is not finite or |value * 2^f| &gt;= 2^62
   */
  public long encodeScalar(double value) {
    double scaled = Math.rint(Math.scalb(requireFinite(value), fractionalBits));
    if (!(Math.abs(scaled) < SCALAR_LIMIT)) {
      throw new IllegalArgumentException(
          "|" + value + " * 2^" + fractionalBits + "| must be < 2^62 to be a scalar");
    }
    return (long) scaled;
  }

  /**
   * Encodes a matrix of values as scalars, row by row (a fresh array).
   *
   * @throws IllegalArgumentException naming the row and column of the first value that cannot be
   *     encoded
   */
  public long[][] encodeScalars(double[][] values) {
    Objects.requireNonNull(values, "values");
    long[][] out = new long[values.length][];
    for (int i = 0; i < values.length; i++) {
      out[i] = new long[values[i].length];
      for (int j = 0; j < values[i].length; j++) {
        try {
          out[i][j] = encodeScalar(values[i][j]);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("value [" + i + "][" + j + "]: " + e.getMessage(), e);
        }
      }
    }
    return out;
  }

  /** Returns the double nearest to {@code scalar} / 2^f. */
  public double decodeScalar(long scalar) {
    return Math.scalb((double) scalar, -fractionalBits);
  }

  /**
   * Maps a signed integer v with |v| &lt;= (n - 1)/2 to the plaintext v mod n.
   *
   * @throws IllegalArgumentException if |v| &gt; (n - 1)/2
   */
  public static BigInteger toPlaintext(BigInteger signed, PaillierPublicKey key) {
    Objects.requireNonNull(signed, "signed");
    BigInteger n = key.modulus();
    if (signed.abs().compareTo(n.shiftRight(1)) > 0) {
      throw new IllegalArgumentException("|value| must be <= (n - 1)/2 to encode, got "
          + signed.abs().bitLength() + " bits");
    }
    return signed.signum() < 0 ? n.add(signed) : signed;
  }

  /**
   * Maps a plaintext y in [0, n) to the signed integer y - n if y &gt; n/2, else y.
   *
   * @throws IllegalArgumentException if the plaintext is outside [0, n)
   */
  public static BigInteger toSigned(BigInteger plaintext, PaillierPublicKey key) {
    key.requirePlaintext(plaintext);
    BigInteger n = key.modulus();
    return plaintext.compareTo(n.shiftRight(1)) > 0 ? plaintext.subtract(n) : plaintext;
  }

  private static double requireFinite(double value) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException("value must be finite, got " + value);
    }
    return value;
  }
}
