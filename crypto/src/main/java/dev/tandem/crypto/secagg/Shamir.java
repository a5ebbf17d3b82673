package dev.tandem.crypto.secagg;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;

/**
 * Shamir t-of-n secret sharing of byte strings, byte-wise over GF(2^8).
 *
 * <p>Each byte of the secret is the constant term of its own random polynomial of degree t - 1
 * over GF(2^8) (the AES field, x^8 + x^4 + x^3 + x + 1); the share of the party at x-coordinate
 * x in [1, 255] is the polynomial's value at x, byte for byte. Chosen over a prime field because
 * every byte string is a valid secret (no reduction, so arbitrary 32-byte keys and seeds are
 * shared without bias), a share is exactly as long as the secret, the arithmetic is branch-free
 * and table-free (constant time, no bignum), and perfect secrecy can be checked exhaustively
 * (tests enumerate every polynomial). The only limit, at most 255 parties, is far above a
 * cross-silo federation's size.
 *
 * <p>Stateless and thread-safe.
 */
final class Shamir {
  static final int MAX_PARTIES = 255;

  private Shamir() {}

  /**
   * Splits {@code secret} into shares for the parties at {@code xs}, any {@code threshold} of which
   * reconstruct it; returns the shares in the order of {@code xs}.
   *
   * @throws IllegalArgumentException if the threshold is outside [1, xs.length] or an x-coordinate is
   *     outside [1, 255] or repeated
   */
  static byte[][] split(byte[] secret, int threshold, int[] xs, SecureRandom random) {
    Objects.requireNonNull(secret, "secret");
    Objects.requireNonNull(random, "random");
    checkXs(xs);
    if (threshold < 1 || threshold > xs.length) {
      throw new IllegalArgumentException("threshold must be in [1, " + xs.length + "], got " + threshold);
    }
    byte[][] coefficients = new byte[threshold][];
    coefficients[0] = secret;
    for (int k = 1; k < threshold; k++) {
      coefficients[k] = new byte[secret.length];
      random.nextBytes(coefficients[k]);
    }
    byte[][] shares = new byte[xs.length][];
    for (int p = 0; p < xs.length; p++) {
      shares[p] = evaluate(coefficients, xs[p]);
    }
    for (int k = 1; k < threshold; k++) {
      Arrays.fill(coefficients[k], (byte) 0);
    }
    return shares;
  }

  /**
   * Evaluates, byte-wise by Horner's rule, the polynomials whose k-th coefficients are
   * {@code coefficients[k]}, at {@code x}.
   */
  static byte[] evaluate(byte[][] coefficients, int x) {
    int length = coefficients[0].length;
    byte[] out = new byte[length];
    for (int j = 0; j < length; j++) {
      int acc = 0;
      for (int k = coefficients.length - 1; k >= 0; k--) {
        acc = mul(acc, x) ^ (coefficients[k][j] & 0xFF);
      }
      out[j] = (byte) acc;
    }
    return out;
  }

  /**
   * Reconstructs the secret from the shares {@code ys} held by the parties at {@code xs}.
   *
   * <p>The first {@code threshold} shares determine the polynomials; every further share must lie
   * on them, so a corrupted share is detected whenever more than {@code threshold} are given.
   *
   * @throws IllegalArgumentException if fewer than {@code threshold} shares are given, the shares
   *     differ in length, an x-coordinate is outside [1, 255] or repeated, or a share beyond the
   *     first {@code threshold} is inconsistent with them
   */
  static byte[] reconstruct(int[] xs, byte[][] ys, int threshold) {
    return new Reconstructor(xs, threshold).reconstruct(ys);
  }

  /**
   * Reconstructs secrets shared among the same parties: the Lagrange coefficients, at 0 and at each
   * share beyond the first {@code threshold}, are computed once. Immutable and thread-safe.
   */
  static final class Reconstructor {
    private final int[] xs;
    private final int threshold;
    /** coefficients[0]: Lagrange basis of the first t points at 0; coefficients[e]: at xs[t + e - 1]. */
    private final int[][] coefficients;

    /**
     * Prepares reconstruction from shares held by the parties at {@code xs}.
     *
     * @throws IllegalArgumentException if fewer than {@code threshold} x-coordinates are given or
     *     one is outside [1, 255] or repeated
     */
    Reconstructor(int[] xs, int threshold) {
      checkXs(xs);
      if (threshold < 1) {
        throw new IllegalArgumentException("threshold must be >= 1, got " + threshold);
      }
      if (xs.length < threshold) {
        throw new IllegalArgumentException(
            "need at least " + threshold + " shares to reconstruct, got " + xs.length);
      }
      this.xs = xs.clone();
      this.threshold = threshold;
      coefficients = new int[1 + xs.length - threshold][];
      coefficients[0] = lagrange(xs, threshold, 0);
      for (int e = threshold; e < xs.length; e++) {
        coefficients[1 + e - threshold] = lagrange(xs, threshold, xs[e]);
      }
    }

    /**
     * Returns the secret whose shares, in the order of the x-coordinates, are {@code ys}.
     *
     * @throws IllegalArgumentException if the number of shares does not match, the shares differ
     *     in length, or a share beyond the first {@code threshold} is inconsistent with them
     */
    byte[] reconstruct(byte[][] ys) {
      Objects.requireNonNull(ys, "ys");
      if (ys.length != xs.length) {
        throw new IllegalArgumentException(xs.length + " x-coordinates for " + ys.length + " shares");
      }
      int length = ys[0].length;
      for (byte[] y : ys) {
        if (y.length != length) {
          throw new IllegalArgumentException("shares differ in length: " + length + " and " + y.length);
        }
      }
      byte[] secret = combine(coefficients[0], ys, length);
      for (int e = threshold; e < xs.length; e++) {
        byte[] expected = combine(coefficients[1 + e - threshold], ys, length);
        if (!MessageDigest.isEqual(expected, ys[e])) {
          throw new IllegalArgumentException("share at x=" + xs[e] + " is inconsistent with the others");
        }
      }
      return secret;
    }

    private static byte[] combine(int[] lagrange, byte[][] ys, int length) {
      int[] acc = new int[length];
      for (int i = 0; i < lagrange.length; i++) {
        int c = lagrange[i];
        byte[] y = ys[i];
        for (int b = 0; b < length; b++) {
          acc[b] ^= mul(c, y[b] & 0xFF);
        }
      }
      byte[] out = new byte[length];
      for (int b = 0; b < length; b++) {
        out[b] = (byte) acc[b];
      }
      return out;
    }

    /** Lagrange basis values at {@code at} of the first {@code t} points of {@code xs}. */
    private static int[] lagrange(int[] xs, int t, int at) {
      int[] out = new int[t];
      for (int i = 0; i < t; i++) {
        int numerator = 1;
        int denominator = 1;
        for (int j = 0; j < t; j++) {
          if (j != i) {
            numerator = mul(numerator, at ^ xs[j]);
            denominator = mul(denominator, xs[i] ^ xs[j]);
          }
        }
        out[i] = mul(numerator, inverse(denominator));
      }
      return out;
    }
  }

  private static void checkXs(int[] xs) {
    Objects.requireNonNull(xs, "xs");
    boolean[] seen = new boolean[MAX_PARTIES + 1];
    for (int x : xs) {
      if (x < 1 || x > MAX_PARTIES) {
        throw new IllegalArgumentException("x-coordinate must be in [1, " + MAX_PARTIES + "], got " + x);
      }
      if (seen[x]) {
        throw new IllegalArgumentException("x-coordinate " + x + " is repeated");
      }
      seen[x] = true;
    }
  }

  /** Multiplies in GF(2^8) modulo x^8 + x^4 + x^3 + x + 1, in constant time. */
  static int mul(int a, int b) {
    int product = 0;
    for (int i = 0; i < 8; i++) {
      product ^= -(b & 1) & a;
      b >>= 1;
      a = (a << 1) ^ (-(a >> 7) & 0x11B);
    }
    return product & 0xFF;
  }

  /** Returns the multiplicative inverse in GF(2^8) as a^254 (0 maps to 0), in constant time. */
  static int inverse(int a) {
    int a2 = mul(a, a);
    int a3 = mul(a2, a);
    int a6 = mul(a3, a3);
    int a12 = mul(a6, a6);
    int a15 = mul(a12, a3);
    int a30 = mul(a15, a15);
    int a60 = mul(a30, a30);
    int a120 = mul(a60, a60);
    int a126 = mul(a120, a6);
    int a252 = mul(a126, a126);
    return mul(a252, a2);
  }
}
