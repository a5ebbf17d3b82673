package dev.tandem.crypto.paillier;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Montgomery multiplication modulo an odd modulus with the JDK's own kernel: the private
 * {@code BigInteger.implMontgomeryMultiply} and {@code implMontgomerySquare}, which HotSpot
 * replaces by assembly on x86-64 (the kernel {@code BigInteger.modPow} runs on). Measured here at
 * 4096 bits: 5.3 us per product, against 11 us for {@link SplitModulus} and 22 us for the same
 * algorithm written in Java.
 *
 * <p>The kernel is reachable only when the JVM runs with
 * {@code --add-opens java.base/java.math=ALL-UNNAMED} (the launcher, the build and the benchmarks
 * pass it). Without it, or if a JDK changes the private methods, {@link #forModulus} returns empty
 * and callers use {@link SplitModulus}: the same results, slower. A self-check against
 * {@code BigInteger} arithmetic runs once before the kernel is used.
 *
 * <p>Residues are big-endian int arrays of an even length {@code len} (as the kernel requires), in
 * Montgomery form x R mod m with R = 2^(32 len). The kernel's results are below R and congruent to
 * the product, not always below m; {@link #leave} reduces fully.
 */
final class MontgomeryModulus implements ResidueArithmetic<int[]> {
  private static final Logger LOG = Logger.getLogger(MontgomeryModulus.class.getName());
  private static final MethodHandle MULTIPLY;
  private static final MethodHandle SQUARE;
  private static final boolean AVAILABLE;

  static {
    MethodHandle multiply = null;
    MethodHandle square = null;
    try {
      MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(BigInteger.class, MethodHandles.lookup());
      multiply = lookup.findStatic(BigInteger.class, "implMontgomeryMultiply", MethodType.methodType(
          int[].class, int[].class, int[].class, int[].class, int.class, long.class, int[].class));
      square = lookup.findStatic(BigInteger.class, "implMontgomerySquare", MethodType.methodType(
          int[].class, int[].class, int[].class, int.class, long.class, int[].class));
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.fine(() -> "JDK Montgomery kernel not reachable (" + e + "); using the portable arithmetic");
      multiply = null;
      square = null;
    }
    MULTIPLY = multiply;
    SQUARE = square;
    boolean available = MULTIPLY != null && selfCheck();
    if (MULTIPLY != null && !available) {
      LOG.warning("JDK Montgomery kernel failed its self-check; using the portable arithmetic");
    }
    AVAILABLE = available;
  }

  private final BigInteger modulus;
  private final int len;
  private final int[] mod;
  private final long inverse;
  private final int[] one;
  private final int[] rSquared;

  private MontgomeryModulus(BigInteger modulus) {
    this.modulus = modulus;
    int words = (modulus.bitLength() + 31) / 32;
    this.len = words + (words & 1);
    this.mod = words(modulus, len);
    BigInteger twoTo64 = BigInteger.ONE.shiftLeft(64);
    this.inverse = modulus.mod(twoTo64).modInverse(twoTo64).negate().longValue();
    this.one = new int[len];
    one[len - 1] = 1;
    this.rSquared = words(BigInteger.ONE.shiftLeft(64 * len).mod(modulus), len);
  }

  /**
   * Returns Montgomery arithmetic modulo an odd {@code modulus} of at most 16,384 bits, or empty if
   * the JDK kernel is not reachable in this JVM.
   */
  static Optional<MontgomeryModulus> forModulus(BigInteger modulus) {
    if (!AVAILABLE || !modulus.testBit(0) || modulus.bitLength() < 64 || modulus.bitLength() > 16_384) {
      return Optional.empty();
    }
    return Optional.of(new MontgomeryModulus(modulus));
  }

  /** Returns whether the JDK kernel is in use in this JVM. */
  static boolean kernelAvailable() {
    return AVAILABLE;
  }

  @Override
  public int[] enter(BigInteger y) {
    if (y.signum() < 0 || y.compareTo(modulus) >= 0) {
      throw new IllegalArgumentException("a residue must be in [0, modulus)");
    }
    return multiply(words(y, len), rSquared); // y R^2 / R = y R
  }

  @Override
  public BigInteger leave(int[] r) {
    BigInteger value = value(multiply(r, one));
    while (value.compareTo(modulus) >= 0) {
      value = value.subtract(modulus);
    }
    return value;
  }

  @Override
  public int[] multiply(int[] a, int[] b) {
    try {
      return exact((int[]) MULTIPLY.invokeExact(a, b, mod, len, inverse, new int[len]));
    } catch (Throwable t) {
      throw new IllegalStateException("JDK Montgomery kernel failed", t);
    }
  }

  @Override
  public int[] square(int[] a) {
    try {
      return exact((int[]) SQUARE.invokeExact(a, mod, len, inverse, new int[len]));
    } catch (Throwable t) {
      throw new IllegalStateException("JDK Montgomery kernel failed", t);
    }
  }

  /** The kernel's Java path (before HotSpot compiles it) returns 2 len words, the result first. */
  private int[] exact(int[] result) {
    return result.length == len ? result : Arrays.copyOf(result, len);
  }

  @Override
  public int[][] newArray(int length) {
    return new int[length][];
  }

  private static BigInteger value(int[] words) {
    byte[] bytes = new byte[4 * words.length];
    for (int i = 0; i < words.length; i++) {
      bytes[4 * i] = (byte) (words[i] >>> 24);
      bytes[4 * i + 1] = (byte) (words[i] >>> 16);
      bytes[4 * i + 2] = (byte) (words[i] >>> 8);
      bytes[4 * i + 3] = (byte) words[i];
    }
    return new BigInteger(1, bytes);
  }

  /** Big-endian words of 0 &lt;= y &lt; 2^(32 len). */
  private static int[] words(BigInteger y, int len) {
    byte[] bytes = y.toByteArray(); // big-endian, possibly with a leading sign byte
    int[] out = new int[len];
    for (int b = bytes.length - 1, k = 0; b >= 0 && k < 4 * len; b--, k++) {
      out[len - 1 - k / 4] |= (bytes[b] & 0xff) << (8 * (k % 4));
    }
    return out;
  }

  /** Checks products and squares of random residues, and a chain of them, against BigInteger. */
  private static boolean selfCheck() {
    try {
      SecureRandom random = new SecureRandom();
      for (int bits : new int[] {1023, 2048, 4095}) {
        BigInteger m = new BigInteger(bits, random).setBit(bits - 1).setBit(0);
        MontgomeryModulus arithmetic = new MontgomeryModulus(m);
        BigInteger a = new BigInteger(bits, random).mod(m);
        BigInteger b = new BigInteger(bits, random).mod(m);
        int[] x = arithmetic.enter(a);
        int[] y = arithmetic.enter(b);
        BigInteger expected = a;
        int[] acc = x;
        for (int i = 0; i < 8; i++) {
          acc = arithmetic.multiply(arithmetic.square(acc), y);
          expected = expected.multiply(expected).multiply(b).mod(m);
        }
        if (!arithmetic.leave(acc).equals(expected)
            || !arithmetic.leave(arithmetic.multiply(x, y)).equals(a.multiply(b).mod(m))
            || !Arrays.equals(arithmetic.enter(BigInteger.ONE), arithmetic.enter(m.add(BigInteger.ONE).mod(m)))) {
          return false;
        }
      }
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }
}
