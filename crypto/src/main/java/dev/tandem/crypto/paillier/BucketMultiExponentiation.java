package dev.tandem.crypto.paillier;

import java.math.BigInteger;

/**
 * The bucket (Pippenger) multi-exponentiation behind {@link MultiExponentiation}, for one column
 * chunk.
 *
 * <p>Each |s| is recoded into signed w-bit digits in [-(2^(w-1) - 1), 2^(w-1)] (the top digit
 * takes the final carry and lies in [0, 2^w]), and the digit takes the sign of s. Window by window
 * from the top, the accumulators are raised to 2^w, every base is multiplied into the bucket of
 * its digit (positive digits and negative digits in separate sets), and each set's buckets B_d are
 * combined into prod_d B_d^d with two running products. The result is the pair (P, N) with
 * prod_i c_i^(s_i) = P * N^-1, so the caller inverts once per column.
 */
final class BucketMultiExponentiation {
  private static final int MAX_WINDOW_BITS = 20;

  private BucketMultiExponentiation() {}

  /**
   * Returns {P, N} with prod_i bases[offset + i]^(scalars[i]) = P * N^-1 mod m.
   *
   * @param scalars entries in (Long.MIN_VALUE, Long.MAX_VALUE]
   */
  static BigInteger[] signedProduct(BigInteger[] bases, int offset, long[] scalars, BarrettReducer reducer) {
    int count = scalars.length;
    int bits = 0;
    for (long s : scalars) {
      bits = Math.max(bits, 64 - Long.numberOfLeadingZeros(Math.abs(s)));
    }
    if (bits == 0) {
      return new BigInteger[] {BigInteger.ONE, BigInteger.ONE};
    }
    int w = bestWindow(count, bits);
    int windows = (bits + w - 1) / w;
    int[][] digits = recode(scalars, w, windows);
    BigInteger modulus = reducer.modulus();
    BigInteger windowPower = BigInteger.ONE.shiftLeft(w);
    BigInteger positive = null;
    BigInteger negative = null;
    for (int t = windows - 1; t >= 0; t--) {
      if (positive != null) {
        positive = positive.modPow(windowPower, modulus);
      }
      if (negative != null) {
        negative = negative.modPow(windowPower, modulus);
      }
      int[] row = digits[t];
      int maxPositive = 0;
      int maxNegative = 0;
      for (int d : row) {
        maxPositive = Math.max(maxPositive, d);
        maxNegative = Math.max(maxNegative, -d);
      }
      BigInteger[] positiveBuckets = new BigInteger[maxPositive + 1];
      BigInteger[] negativeBuckets = new BigInteger[maxNegative + 1];
      for (int i = 0; i < count; i++) {
        int d = row[i];
        if (d > 0) {
          positiveBuckets[d] = times(positiveBuckets[d], bases[offset + i], reducer);
        } else if (d < 0) {
          negativeBuckets[-d] = times(negativeBuckets[-d], bases[offset + i], reducer);
        }
      }
      positive = times(positive, combineBuckets(positiveBuckets, reducer), reducer);
      negative = times(negative, combineBuckets(negativeBuckets, reducer), reducer);
    }
    return new BigInteger[] {
        positive == null ? BigInteger.ONE : positive, negative == null ? BigInteger.ONE : negative};
  }

  /** Returns digits[t][i], the t-th signed digit of scalars[i] (base 2^w). */
  static int[][] recode(long[] scalars, int w, int windows) {
    long mask = (1L << w) - 1;
    long half = 1L << (w - 1);
    int[][] digits = new int[windows][scalars.length];
    for (int i = 0; i < scalars.length; i++) {
      long s = scalars[i];
      long u = Math.abs(s);
      int sign = s < 0 ? -1 : 1;
      for (int t = 0; t < windows - 1; t++) {
        long d = u & mask;
        u >>>= w;
        if (d > half) {
          d -= 1L << w;
          u += 1;
        }
        digits[t][i] = (int) (sign * d);
      }
      digits[windows - 1][i] = (int) (sign * u);
    }
    return digits;
  }

  /** Chooses w minimising the estimated number of modular multiplications. */
  static int bestWindow(int count, int bits) {
    int best = 1;
    double bestCost = Double.MAX_VALUE;
    for (int w = 1; w <= Math.min(MAX_WINDOW_BITS, bits); w++) {
      int windows = (bits + w - 1) / w;
      int topBits = bits - (windows - 1) * w;
      double cost = (double) windows * count // bucket accumulation
          + (windows - 1) * Math.pow(2, w + 1) // combining both bucket sets, lower windows
          + Math.pow(2, topBits + 2) // combining both sets, top window (digits up to 2^topBits)
          + (windows - 1) * w * 2 / 3.0; // squarings by modPow, cheaper than a multiplication
      if (cost < bestCost) {
        bestCost = cost;
        best = w;
      }
    }
    return best;
  }

  /** Returns prod_d buckets[d]^d by running products (about two multiplications per bucket). */
  private static BigInteger combineBuckets(BigInteger[] buckets, BarrettReducer reducer) {
    BigInteger running = null;
    BigInteger total = null;
    for (int d = buckets.length - 1; d >= 1; d--) {
      if (buckets[d] != null) {
        running = times(running, buckets[d], reducer);
      }
      if (running != null) {
        total = times(total, running, reducer);
      }
    }
    return total;
  }

  /** Multiplies, treating null as the empty product. */
  private static BigInteger times(BigInteger a, BigInteger b, BarrettReducer reducer) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    return reducer.multiply(a, b);
  }
}
