package dev.tandem.crypto.paillier;

import dev.tandem.crypto.paillier.SplitModulus.Split;
import java.math.BigInteger;
import java.util.Arrays;

/**
 * The bucket multi-exponentiations behind {@link MultiExponentiation}, for one column chunk; each
 * returns the pair (P, N) with prod_i c_i^(s_i) = P * N^-1, so the caller inverts once per column
 * and no base is ever inverted.
 *
 * <p>Windowed (Pippenger): each |s| is recoded into signed w-bit digits in
 * [-(2^(w-1) - 1), 2^(w-1)] (the top digit takes the final carry and lies in [0, 2^w]), and the
 * digit takes the sign of s. Window by window from the top, the accumulators are raised to 2^w,
 * every base is multiplied into the bucket of its digit (positive and negative digits in separate
 * sets), and each set's buckets B_d are combined into prod_d B_d^d with two running products:
 * about windows * (rows + 2^(w+1)) multiplications.
 *
 * <p>By value: when a column holds few distinct scalars (categorical or rounded features), every
 * base goes into the bucket of its scalar, and the buckets B_1..B_k of the distinct values
 * v_1 &lt; ... &lt; v_k combine as prod_j (B_j ... B_k)^(v_j - v_(j-1)): one multiplication per
 * row plus a few per distinct value, whatever the scalars' length.
 *
 * <p>{@link #signedProduct} picks the cheaper by a count of multiplications. Products are computed
 * on split residues ({@link SplitModulus}), squarings and small powers too.
 */
final class BucketMultiExponentiation {
  private static final int MAX_WINDOW_BITS = 20;
  /** Multiplications charged per distinct value by value: two products and a small power. */
  private static final double COST_PER_DISTINCT_VALUE = 6;
  /** Exponents up to this length are raised by square-and-multiply on split residues. */
  private static final int SHORT_EXPONENT_BITS = 24;

  private BucketMultiExponentiation() {}

  /**
   * Returns {P, N} with prod_i bases[offset + i]^(scalars[i]) = P * N^-1 mod n^2.
   *
   * @param scalars entries in (Long.MIN_VALUE, Long.MAX_VALUE]
   */
  static Split[] signedProduct(Split[] bases, int offset, long[] scalars, SplitModulus arithmetic,
      BigInteger nSquared) {
    int bits = 0;
    int nonzero = 0;
    for (long s : scalars) {
      bits = Math.max(bits, 64 - Long.numberOfLeadingZeros(Math.abs(s)));
      nonzero += s != 0 ? 1 : 0;
    }
    if (bits == 0) {
      return new Split[] {one(), one()};
    }
    long[][] distinct = distinctMagnitudes(scalars);
    double byValueCost = nonzero + COST_PER_DISTINCT_VALUE * (distinct[0].length + distinct[1].length);
    int w = bestWindow(scalars.length, bits);
    if (byValueCost < windowedCost(scalars.length, bits, w)) {
      return byValue(bases, offset, scalars, distinct, arithmetic, nSquared);
    }
    return windowed(bases, offset, scalars, w, bits, arithmetic, nSquared);
  }

  /** The windowed method with w-bit signed digits for scalars of at most {@code bits} bits. */
  static Split[] windowed(Split[] bases, int offset, long[] scalars, int w, int bits,
      SplitModulus arithmetic, BigInteger nSquared) {
    int count = scalars.length;
    int windows = (bits + w - 1) / w;
    int[][] digits = recode(scalars, w, windows);
    BigInteger windowPower = BigInteger.ONE.shiftLeft(w);
    Split positive = null;
    Split negative = null;
    for (int t = windows - 1; t >= 0; t--) {
      if (positive != null) {
        positive = power(positive, windowPower, arithmetic, nSquared);
      }
      if (negative != null) {
        negative = power(negative, windowPower, arithmetic, nSquared);
      }
      int[] row = digits[t];
      int maxPositive = 0;
      int maxNegative = 0;
      for (int d : row) {
        maxPositive = Math.max(maxPositive, d);
        maxNegative = Math.max(maxNegative, -d);
      }
      Split[] positiveBuckets = new Split[maxPositive + 1];
      Split[] negativeBuckets = new Split[maxNegative + 1];
      for (int i = 0; i < count; i++) {
        int d = row[i];
        if (d > 0) {
          positiveBuckets[d] = times(positiveBuckets[d], bases[offset + i], arithmetic);
        } else if (d < 0) {
          negativeBuckets[-d] = times(negativeBuckets[-d], bases[offset + i], arithmetic);
        }
      }
      positive = times(positive, combineDense(positiveBuckets, arithmetic), arithmetic);
      negative = times(negative, combineDense(negativeBuckets, arithmetic), arithmetic);
    }
    return new Split[] {orOne(positive), orOne(negative)};
  }

  /** The by-value method; {@code distinct} is {@link #distinctMagnitudes}(scalars). */
  static Split[] byValue(Split[] bases, int offset, long[] scalars, long[][] distinct,
      SplitModulus arithmetic, BigInteger nSquared) {
    long[] positiveValues = distinct[0];
    long[] negativeValues = distinct[1];
    Split[] positiveBuckets = new Split[positiveValues.length];
    Split[] negativeBuckets = new Split[negativeValues.length];
    for (int i = 0; i < scalars.length; i++) {
      long s = scalars[i];
      if (s > 0) {
        int j = Arrays.binarySearch(positiveValues, s);
        positiveBuckets[j] = times(positiveBuckets[j], bases[offset + i], arithmetic);
      } else if (s < 0) {
        int j = Arrays.binarySearch(negativeValues, -s);
        negativeBuckets[j] = times(negativeBuckets[j], bases[offset + i], arithmetic);
      }
    }
    return new Split[] {
        orOne(combineSparse(positiveBuckets, positiveValues, arithmetic, nSquared)),
        orOne(combineSparse(negativeBuckets, negativeValues, arithmetic, nSquared))};
  }

  /** Returns {sorted distinct positive scalars, sorted distinct magnitudes of negative scalars}. */
  static long[][] distinctMagnitudes(long[] scalars) {
    long[] positive = Arrays.stream(scalars).filter(s -> s > 0).sorted().distinct().toArray();
    long[] negative = Arrays.stream(scalars).filter(s -> s < 0).map(s -> -s).sorted().distinct().toArray();
    return new long[][] {positive, negative};
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

  /** Chooses w minimising {@link #windowedCost}. */
  static int bestWindow(int count, int bits) {
    int best = 1;
    for (int w = 2; w <= Math.min(MAX_WINDOW_BITS, bits); w++) {
      if (windowedCost(count, bits, w) < windowedCost(count, bits, best)) {
        best = w;
      }
    }
    return best;
  }

  /** Estimates the multiplications of the windowed method. */
  private static double windowedCost(int count, int bits, int w) {
    int windows = (bits + w - 1) / w;
    int topBits = bits - (windows - 1) * w;
    return (double) windows * count // bucket accumulation
        + (windows - 1) * Math.pow(2, w + 1) // combining both bucket sets, lower windows
        + Math.pow(2, topBits + 2) // combining both sets, top window (digits up to 2^topBits)
        + (double) (windows - 1) * w; // squarings
  }

  /** Returns prod_d buckets[d]^d by running products (about two multiplications per bucket). */
  private static Split combineDense(Split[] buckets, SplitModulus arithmetic) {
    Split running = null;
    Split total = null;
    for (int d = buckets.length - 1; d >= 1; d--) {
      if (buckets[d] != null) {
        running = times(running, buckets[d], arithmetic);
      }
      if (running != null) {
        total = times(total, running, arithmetic);
      }
    }
    return total;
  }

  /** Returns prod_j buckets[j]^values[j] as prod_j (buckets[j..])^(values[j] - values[j-1]). */
  private static Split combineSparse(Split[] buckets, long[] values, SplitModulus arithmetic,
      BigInteger nSquared) {
    Split running = null;
    Split total = null;
    for (int j = buckets.length - 1; j >= 0; j--) {
      running = times(running, buckets[j], arithmetic);
      long gap = values[j] - (j > 0 ? values[j - 1] : 0);
      Split step = gap == 1 ? running : power(running, BigInteger.valueOf(gap), arithmetic, nSquared);
      total = times(total, step, arithmetic);
    }
    return total;
  }

  /**
   * Returns base^exponent: by squarings and multiplications on split residues for exponents of up
   * to {@link #SHORT_EXPONENT_BITS} bits (window powers 2^w and gaps between distinct values), where
   * modPow's conversions in and out of Montgomery form cost more than the work; else by modPow.
   */
  private static Split power(Split base, BigInteger exponent, SplitModulus arithmetic, BigInteger nSquared) {
    int bits = exponent.bitLength();
    if (bits > SHORT_EXPONENT_BITS) {
      return arithmetic.split(arithmetic.join(base).modPow(exponent, nSquared));
    }
    Split acc = base;
    for (int bit = bits - 2; bit >= 0; bit--) {
      acc = arithmetic.multiply(acc, acc);
      if (exponent.testBit(bit)) {
        acc = arithmetic.multiply(acc, base);
      }
    }
    return acc;
  }

  /** Multiplies, treating null as the empty product. */
  private static Split times(Split a, Split b, SplitModulus arithmetic) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    return arithmetic.multiply(a, b);
  }

  private static Split one() {
    return new Split(BigInteger.ONE, BigInteger.ZERO);
  }

  private static Split orOne(Split s) {
    return s == null ? one() : s;
  }
}
