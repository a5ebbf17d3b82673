package dev.tandem.crypto.paillier;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Products of many ciphertexts raised to wide non-negative exponents (up to a few hundred bits):
 * prod_i c_i^(e_i) mod n^2 by the bucket method (Pippenger) in the key's fastest arithmetic
 * ({@link MontgomeryModulus}, else {@link SplitModulus}), which needs about
 * (bits / w) (count + 2^(w+1)) multiplications instead of one exponentiation per term. For the
 * share conversions of secret-shared training, whose exponents are 96-bit ring shares.
 */
public final class WideMultiExponentiation {
  private static final int CORES = Runtime.getRuntime().availableProcessors();
  private static final int MIN_PARALLEL_TERMS = 256;

  private WideMultiExponentiation() {}

  /**
   * Returns an encryption of sum_i e_i m_i mod n, where {@code bases[i]} encrypts m_i, without new
   * randomness; all cores for long inputs.
   *
   * @throws IllegalArgumentException if the lengths differ, there are no terms, or an exponent is
   *     negative
   */
  public static PaillierCiphertext product(PaillierPublicKey key, PaillierCiphertext[] bases, BigInteger[] exponents) {
    Objects.requireNonNull(key, "key");
    if (bases.length != exponents.length || bases.length == 0) {
      throw new IllegalArgumentException("bases and exponents must have the same non-zero length, got "
          + bases.length + " and " + exponents.length);
    }
    int bits = 0;
    for (int i = 0; i < exponents.length; i++) {
      if (exponents[i].signum() < 0) {
        throw new IllegalArgumentException("exponent " + i + " is negative");
      }
      key.requireInRange(bases[i]);
      bits = Math.max(bits, exponents[i].bitLength());
    }
    return new PaillierCiphertext(run(key.residues(), bases, exponents, Math.max(1, bits)));
  }

  private static <R> BigInteger run(ResidueArithmetic<R> arithmetic, PaillierCiphertext[] bases,
      BigInteger[] exponents, int maxBits) {
    int parts = bases.length >= MIN_PARALLEL_TERMS ? Math.min(CORES, bases.length / (MIN_PARALLEL_TERMS / 2)) : 1;
    int size = (bases.length + parts - 1) / parts;
    List<R> partial = IntStream.range(0, parts).parallel()
        .mapToObj(p -> {
          int from = p * size;
          int to = Math.min(bases.length, from + size);
          return bucket(arithmetic, Arrays.copyOfRange(bases, from, to), Arrays.copyOfRange(exponents, from, to),
              maxBits);
        })
        .collect(Collectors.toList());
    R acc = null;
    for (R part : partial) {
      acc = times(arithmetic, acc, part);
    }
    BigInteger value = acc == null ? BigInteger.ONE : arithmetic.leave(acc);
    return value.signum() == 0 ? BigInteger.ONE : value;
  }

  private static <R> R bucket(ResidueArithmetic<R> arithmetic, PaillierCiphertext[] bases, BigInteger[] exps,
      int bits) {
    R[] entered = arithmetic.newArray(bases.length);
    for (int i = 0; i < bases.length; i++) {
      entered[i] = arithmetic.enter(bases[i].value());
    }
    return bucket(arithmetic, entered, exps, bits);
  }

  /** prod_i entered[i]^(exps[i]) for exponents of at most {@code bits} bits, by the bucket method. */
  static <R> R bucket(ResidueArithmetic<R> arithmetic, R[] entered, BigInteger[] exps, int bits) {
    int w = window(entered.length);
    int windows = (bits + w - 1) / w;
    R acc = null;
    R[] buckets = arithmetic.newArray(1 << w);
    for (int k = windows - 1; k >= 0; k--) {
      if (acc != null) {
        for (int s = 0; s < w; s++) {
          acc = arithmetic.square(acc);
        }
      }
      Arrays.fill(buckets, null);
      for (int i = 0; i < entered.length; i++) {
        int digit = digit(exps[i], k * w, w);
        if (digit != 0) {
          buckets[digit] = times(arithmetic, buckets[digit], entered[i]);
        }
      }
      R running = null;
      R sum = null;
      for (int d = buckets.length - 1; d >= 1; d--) {
        running = times(arithmetic, running, buckets[d]);
        sum = times(arithmetic, sum, running);
      }
      acc = times(arithmetic, acc, sum);
    }
    return acc;
  }

  private static int digit(BigInteger e, int from, int width) {
    int d = 0;
    for (int b = width - 1; b >= 0; b--) {
      d = (d << 1) | (e.testBit(from + b) ? 1 : 0);
    }
    return d;
  }

  /** Returns the window that minimizes (count + 2^(w+1)) / w. */
  static int window(int count) {
    int best = 1;
    double bestCost = Double.MAX_VALUE;
    for (int w = 1; w <= 16; w++) {
      double cost = (count + 2.0 * (1 << w)) / w;
      if (cost < bestCost) {
        bestCost = cost;
        best = w;
      }
    }
    return best;
  }

  static <R> R times(ResidueArithmetic<R> arithmetic, R a, R b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    return arithmetic.multiply(a, b);
  }
}
