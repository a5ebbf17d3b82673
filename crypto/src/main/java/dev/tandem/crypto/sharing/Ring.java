package dev.tandem.crypto.sharing;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Objects;

/**
 * Arithmetic in the ring Z_(2^96) of additive secret shares, with fixed-point encoding and the
 * two-party local truncation of Mohassel and Zhang (SecureML, S&amp;P 2017).
 *
 * <p>Elements are {@link BigInteger}s in [0, 2^96). A fixed-point value v with f fractional bits is
 * the element round(v 2^f) mod 2^96; values in [-2^95, 2^95) decode back with their sign.
 * Truncation: the owner of a two-party sharing computes {@link #truncateFirst} of its share and the
 * other party {@link #truncateSecond} of its own; the sum is floor(v / 2^t) up to 1 in the last place
 * unless |v| is within a factor 2^-(96 - bits(v) - 1) of the ring's edge, so values are kept far
 * below 2^95 (the vertical protocol's largest truncated value has about 55 bits: failure below 2^-40).
 */
public final class Ring {
  /** Bits of the ring. */
  public static final int BITS = 96;
  /** Bytes of one element in a wire form. */
  public static final int BYTES = BITS / 8;

  private static final BigInteger MODULUS = BigInteger.ONE.shiftLeft(BITS);
  private static final BigInteger MASK = MODULUS.subtract(BigInteger.ONE);
  private static final BigInteger HALF = BigInteger.ONE.shiftLeft(BITS - 1);

  private Ring() {}

  /** Returns v mod 2^96 (for any sign). */
  public static BigInteger reduce(BigInteger v) {
    return v.and(MASK);
  }

  /** Returns a + b mod 2^96. */
  public static BigInteger add(BigInteger a, BigInteger b) {
    return a.add(b).and(MASK);
  }

  /** Returns a - b mod 2^96. */
  public static BigInteger subtract(BigInteger a, BigInteger b) {
    return a.subtract(b).and(MASK);
  }

  /** Returns a * b mod 2^96. */
  public static BigInteger multiply(BigInteger a, BigInteger b) {
    return a.multiply(b).and(MASK);
  }

  /** Returns a * b mod 2^96 for a small signed integer b. */
  public static BigInteger multiply(BigInteger a, long b) {
    return a.multiply(BigInteger.valueOf(b)).and(MASK);
  }

  /** Returns -a mod 2^96. */
  public static BigInteger negate(BigInteger a) {
    return a.negate().and(MASK);
  }

  /** Returns the element of the signed integer v. */
  public static BigInteger of(long v) {
    return BigInteger.valueOf(v).and(MASK);
  }

  /** Returns the signed integer in [-2^95, 2^95) that the element stands for. */
  public static BigInteger signed(BigInteger a) {
    return a.compareTo(HALF) >= 0 ? a.subtract(MODULUS) : a;
  }

  /**
   * Encodes {@code v} with {@code fractionBits} fractional bits.
   *
   * @throws IllegalArgumentException if v is not finite or its encoding does not fit in 2^94
   */
  public static BigInteger encode(double v, int fractionBits) {
    if (!Double.isFinite(v)) {
      throw new IllegalArgumentException("cannot encode " + v);
    }
    double scaled = Math.rint(Math.scalb(v, fractionBits));
    if (Math.abs(scaled) >= 0x1p94) {
      throw new IllegalArgumentException(v + " with " + fractionBits + " fractional bits does not fit the ring");
    }
    return reduce(new java.math.BigDecimal(scaled).toBigInteger());
  }

  /** Decodes an element with {@code fractionBits} fractional bits to a double, with its sign. */
  public static double decode(BigInteger a, int fractionBits) {
    return Math.scalb(signed(a).doubleValue(), -fractionBits);
  }

  /** Returns a uniform element. */
  public static BigInteger random(SecureRandom random) {
    return new BigInteger(BITS, Objects.requireNonNull(random, "random"));
  }

  /** The truncation by 2^t of the owner's share (the party that holds share 0). */
  public static BigInteger truncateFirst(BigInteger share, int t) {
    return share.shiftRight(t);
  }

  /** The truncation by 2^t of the other party's share: -floor(-share / 2^t) in the ring. */
  public static BigInteger truncateSecond(BigInteger share, int t) {
    return negate(negate(share).shiftRight(t));
  }

  /** Writes an element as {@link #BYTES} big-endian bytes at {@code offset}. */
  public static void write(BigInteger a, byte[] out, int offset) {
    byte[] raw = a.toByteArray();
    int copy = Math.min(raw.length, BYTES);
    java.util.Arrays.fill(out, offset, offset + BYTES, (byte) 0);
    System.arraycopy(raw, raw.length - copy, out, offset + BYTES - copy, copy);
  }

  /** Reads an element of {@link #BYTES} big-endian bytes at {@code offset}. */
  public static BigInteger read(byte[] in, int offset) {
    byte[] raw = new byte[BYTES + 1];
    System.arraycopy(in, offset, raw, 1, BYTES);
    return new BigInteger(raw);
  }
}
