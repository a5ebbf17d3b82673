package dev.tandem.crypto.paillier;

import java.math.BigInteger;
import java.util.stream.IntStream;

/**
 * A fixed-base window table for base^a mod m with short exponents a given as bytes.
 *
 * <p>Row i holds base^(d * 2^(8i)) for d = 1..255, so base^a is the product of one entry per
 * nonzero byte of a: ceil(bits / 8) - 1 multiplications instead of the ~1.2 * bits of square and
 * multiply. The table holds ceil(bits / 8) * 255 residues (about 7 MB for a 448-bit exponent
 * modulo a 4096-bit n^2) and is built with all cores. Lookups are indexed by secret exponent bytes
 * and skip zero bytes: not constant time. Immutable and thread-safe once built.
 */
final class FixedBaseTable {
  static final int WINDOW_BITS = 8;
  private static final int ENTRIES = (1 << WINDOW_BITS) - 1;

  private final BarrettReducer reducer;
  private final BigInteger[][] rows;

  FixedBaseTable(BigInteger base, int exponentBits, BarrettReducer reducer) {
    if (exponentBits <= 0 || exponentBits % WINDOW_BITS != 0) {
      throw new IllegalArgumentException(
          "exponentBits must be a positive multiple of 8, got " + exponentBits);
    }
    this.reducer = reducer;
    BigInteger modulus = reducer.modulus();
    int windows = exponentBits / WINDOW_BITS;
    this.rows = new BigInteger[windows][];
    IntStream.range(0, windows).parallel().forEach(i -> {
      BigInteger first = base.modPow(BigInteger.ONE.shiftLeft(WINDOW_BITS * i), modulus);
      BigInteger[] row = new BigInteger[ENTRIES + 1];
      row[1] = first;
      for (int d = 2; d <= ENTRIES; d++) {
        row[d] = reducer.multiply(row[d - 1], first);
      }
      rows[i] = row;
    });
  }

  /** Returns the number of exponent bytes this table covers. */
  int exponentBytes() {
    return rows.length;
  }

  /**
   * Returns base^a where a is the unsigned big-endian integer {@code exponent}.
   *
   * @throws IllegalArgumentException if the exponent has more bytes than the table covers
   */
  BigInteger pow(byte[] exponent) {
    if (exponent.length > rows.length) {
      throw new IllegalArgumentException(
          "exponent has " + exponent.length + " bytes, table covers " + rows.length);
    }
    BigInteger result = null;
    for (int i = 0; i < exponent.length; i++) {
      int digit = exponent[exponent.length - 1 - i] & 0xff;
      if (digit != 0) {
        BigInteger entry = rows[i][digit];
        result = result == null ? entry : reducer.multiply(result, entry);
      }
    }
    return result == null ? BigInteger.ONE : result;
  }
}
