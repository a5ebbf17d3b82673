package dev.tandem.crypto.paillier;

import dev.tandem.crypto.paillier.SplitModulus.Split;
import java.math.BigInteger;
import java.util.stream.IntStream;

/**
 * A fixed-base window table for base^a mod n^2 with short exponents a given as bytes.
 *
 * <p>Row i holds base^(d * 2^(10i)) for d = 1..1023, so base^a is the product of one entry per
 * nonzero 10-bit digit of a: ceil(bits / 10) - 1 multiplications instead of the ~1.2 * bits
 * squarings and multiplications of {@code modPow}. The table holds ceil(bits / 10) * 1023 entries
 * (about 27 MB for a 448-bit exponent at n of 2048 bits) and is built with all cores.
 *
 * <p>Each entry T is stored as (t, u) with t = T mod n and T = t (1 + n u) mod n^2 (u found by
 * one batch inversion per row). Since (1 + n u)(1 + n v) = 1 + n (u + v) mod n^2, a product of
 * entries is (prod t_i)(1 + n sum u_i): the u parts only add, and the running integer product of
 * the t_i is kept mod n^2 as (A, B) = (P mod n, floor(P / n) mod n), updated with A t = q n + A'
 * and B' = q + B t mod n. That is 6 products of n-sized numbers per entry, against 7 for a general
 * product in {@link SplitModulus}. Lookups are indexed by secret exponent digits and skip zero
 * digits: not constant time. Immutable and thread-safe once built.
 */
final class FixedBaseTable {
  static final int WINDOW_BITS = 10;
  private static final int ENTRIES = (1 << WINDOW_BITS) - 1;

  private final SplitModulus arithmetic;
  private final BigInteger n;
  private final BigInteger[][] lows;
  private final BigInteger[][] units;
  private final int exponentBits;

  FixedBaseTable(BigInteger base, int exponentBits, BigInteger nSquared, SplitModulus arithmetic) {
    if (exponentBits <= 0) {
      throw new IllegalArgumentException("exponentBits must be positive, got " + exponentBits);
    }
    this.arithmetic = arithmetic;
    this.n = arithmetic.modulus();
    this.exponentBits = exponentBits;
    int windows = (exponentBits + WINDOW_BITS - 1) / WINDOW_BITS;
    this.lows = new BigInteger[windows][];
    this.units = new BigInteger[windows][];
    IntStream.range(0, windows).parallel().forEach(i -> {
      Split first = arithmetic.split(base.modPow(BigInteger.ONE.shiftLeft(WINDOW_BITS * i), nSquared));
      Split[] row = new Split[ENTRIES + 1];
      row[1] = first;
      for (int d = 2; d <= ENTRIES; d++) {
        row[d] = arithmetic.multiply(row[d - 1], first);
      }
      lows[i] = new BigInteger[ENTRIES + 1];
      for (int d = 1; d <= ENTRIES; d++) {
        lows[i][d] = row[d].low();
      }
      BigInteger[] inverses = batchInverse(lows[i]);
      units[i] = new BigInteger[ENTRIES + 1];
      for (int d = 1; d <= ENTRIES; d++) {
        // T = t + n h = t (1 + n h t^-1) mod n^2
        units[i][d] = arithmetic.multiplyModN(row[d].high(), inverses[d]);
      }
    });
  }

  /** Returns the inverses mod n of values[1..] (Montgomery's trick: one inversion in all). */
  private BigInteger[] batchInverse(BigInteger[] values) {
    BigInteger[] prefix = new BigInteger[values.length];
    prefix[1] = values[1];
    for (int d = 2; d < values.length; d++) {
      prefix[d] = arithmetic.multiplyModN(prefix[d - 1], values[d]);
    }
    BigInteger inverse = prefix[values.length - 1].modInverse(n);
    BigInteger[] out = new BigInteger[values.length];
    for (int d = values.length - 1; d >= 2; d--) {
      out[d] = arithmetic.multiplyModN(inverse, prefix[d - 1]);
      inverse = arithmetic.multiplyModN(inverse, values[d]);
    }
    out[1] = inverse;
    return out;
  }

  /**
   * Returns base^a mod n^2, split, where a is the unsigned big-endian integer {@code exponent}.
   *
   * @throws IllegalArgumentException if the exponent has more bits than the table covers
   */
  Split pow(byte[] exponent) {
    int bits = exponent.length * 8;
    for (int bit = exponentBits; bit < bits; bit++) {
      if (bit(exponent, bit) != 0) {
        throw new IllegalArgumentException("exponent exceeds the " + exponentBits + " bits of the table");
      }
    }
    BigInteger a = null; // prod t_i mod n
    BigInteger b = BigInteger.ZERO; // floor(prod t_i / n) mod n
    BigInteger u = BigInteger.ZERO; // sum u_i mod n
    for (int i = 0; i < lows.length; i++) {
      int digit = 0;
      for (int j = 0; j < WINDOW_BITS; j++) {
        digit |= bit(exponent, i * WINDOW_BITS + j) << j;
      }
      if (digit == 0) {
        continue;
      }
      BigInteger t = lows[i][digit];
      if (a == null) {
        a = t;
      } else {
        BigInteger[] qr = arithmetic.divideAndRemainder(a.multiply(t));
        b = arithmetic.reduce(b.multiply(t).add(qr[0]));
        a = qr[1];
      }
      u = u.add(units[i][digit]);
      if (u.compareTo(n) >= 0) {
        u = u.subtract(n);
      }
    }
    if (a == null) {
      return new Split(BigInteger.ONE, BigInteger.ZERO);
    }
    // (a + n b)(1 + n u) = a + n (b + a u) mod n^2
    return new Split(a, arithmetic.reduce(a.multiply(u).add(b)));
  }

  /** Returns bit {@code index} (0 = least significant) of a big-endian unsigned integer. */
  private static int bit(byte[] bigEndian, int index) {
    int byteIndex = bigEndian.length - 1 - (index >>> 3);
    return byteIndex < 0 ? 0 : (bigEndian[byteIndex] >>> (index & 7)) & 1;
  }
}
