package dev.tandem.crypto.psi;

import org.bouncycastle.math.ec.rfc7748.X25519Field;

/**
 * X25519 (RFC 7748 section 5) for one secret scalar and many points: the constant-time Montgomery
 * ladder of bouncycastle's {@code X25519.scalarMult}, step for step, but on decoded field elements
 * and with the final projective-to-affine inversions of a batch shared ({@link BatchInverter}).
 *
 * <p>The scalar is clamped as X25519 clamps it (bits 0-2 and 255 cleared, bit 254 set), so every
 * result lies in the prime-order subgroup and multiplication commutes: X25519(a, X25519(b, P)) =
 * X25519(b, X25519(a, P)). A point of order dividing 8 maps to u = 0. Mutable scratch object, one
 * per thread; the scalar it is given is read, not copied.
 */
final class Ladder {
  /** Bytes of a scalar and of an encoded u-coordinate. */
  static final int SIZE = 32;

  private final int[] x2 = Fe.create();
  private final int[] z2 = Fe.create();
  private final int[] x3 = Fe.create();
  private final int[] z3 = Fe.create();
  private final int[] t1 = Fe.create();
  private final int[] t2 = Fe.create();
  private final int[][] xs;
  private final BatchInverter inverter;

  Ladder(int capacity) {
    xs = new int[capacity][];
    for (int i = 0; i < capacity; i++) {
      xs[i] = Fe.create();
    }
    inverter = new BatchInverter(capacity);
  }

  /** Returns the clamped scalar of 32 little-endian bytes as eight 32-bit words. */
  static int[] clampedScalar(byte[] k) {
    if (k.length != SIZE) {
      throw new IllegalArgumentException("scalar must be 32 bytes, got " + k.length);
    }
    int[] n = new int[8];
    for (int i = 0; i < 8; i++) {
      n[i] = (k[4 * i] & 0xFF) | (k[4 * i + 1] & 0xFF) << 8 | (k[4 * i + 2] & 0xFF) << 16 | k[4 * i + 3] << 24;
    }
    n[0] &= 0xFFFFFFF8;
    n[7] &= 0x7FFFFFFF;
    n[7] |= 0x40000000;
    return n;
  }

  /**
   * Writes the encoded u-coordinates of n * P_i for the points u_i = us[i], i in [0, count), to out
   * at outOff + 32 i.
   */
  void multiply(int[] n, int[][] us, int count, byte[] out, int outOff) {
    int[][] zs = inverter.elements();
    for (int i = 0; i < count; i++) {
      ladder(n, us[i], xs[i], zs[i]);
    }
    inverter.invert(count);
    for (int i = 0; i < count; i++) {
      X25519Field.mul(xs[i], zs[i], xs[i]);
      X25519Field.normalize(xs[i]);
      X25519Field.encode(xs[i], out, outOff + SIZE * i);
    }
  }

  /** Sets (x : z) to n * (x1 : 1), projective. */
  private void ladder(int[] n, int[] x1, int[] x, int[] z) {
    X25519Field.copy(x1, 0, x2, 0);
    X25519Field.one(z2);
    X25519Field.one(x3);
    X25519Field.zero(z3);
    int bit = 254;
    int swap = 1;
    do {
      X25519Field.apm(x3, z3, t1, x3);
      X25519Field.apm(x2, z2, z3, x2);
      X25519Field.mul(t1, x2, t1);
      X25519Field.mul(x3, z3, x3);
      X25519Field.sqr(z3, z3);
      X25519Field.sqr(x2, x2);
      X25519Field.sub(z3, x2, t2);
      X25519Field.mul(t2, Fe.A24, z2);
      X25519Field.add(z2, x2, z2);
      X25519Field.mul(z2, t2, z2);
      X25519Field.mul(x2, z3, x2);
      X25519Field.apm(t1, x3, x3, z3);
      X25519Field.sqr(x3, x3);
      X25519Field.sqr(z3, z3);
      X25519Field.mul(z3, x1, z3);
      --bit;
      int kt = (n[bit >>> 5] >>> (bit & 0x1F)) & 1;
      swap ^= kt;
      X25519Field.cswap(swap, x2, x3);
      X25519Field.cswap(swap, z2, z3);
      swap = kt;
    } while (bit >= 3);
    for (int i = 0; i < 3; i++) {
      doubleXz(x2, z2, t1, t2);
    }
    X25519Field.copy(x2, 0, x, 0);
    X25519Field.copy(z2, 0, z, 0);
  }

  /** Sets (x : z) to 2 (x : z) on curve25519, x-only; a, b are scratch. */
  static void doubleXz(int[] x, int[] z, int[] a, int[] b) {
    X25519Field.apm(x, z, a, b);
    X25519Field.sqr(a, a);
    X25519Field.sqr(b, b);
    X25519Field.mul(a, b, x);
    X25519Field.sub(a, b, a);
    X25519Field.mul(a, Fe.A24, z);
    X25519Field.add(z, b, z);
    X25519Field.mul(z, a, z);
  }
}
