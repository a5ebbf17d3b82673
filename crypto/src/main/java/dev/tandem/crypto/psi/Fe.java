package dev.tandem.crypto.psi;

import java.math.BigInteger;
import org.bouncycastle.math.ec.rfc7748.X25519Field;

/**
 * Arithmetic in GF(2^255 - 19) on top of bouncycastle's {@link X25519Field} (ten signed limbs of
 * 25 or 26 bits), plus the constants of curve25519 and edwards25519 this package needs.
 *
 * <p>Operand rules of {@code X25519Field}: {@code mul} and {@code sqr} accept the sum or difference
 * of two of their own outputs; anything built from more terms is {@link X25519Field#carry carried}
 * first. Outputs may alias inputs. Functions named {@code ...Var} are not constant time and are
 * only used on public values.
 */
final class Fe {
  static final BigInteger P = BigInteger.ONE.shiftLeft(255).subtract(BigInteger.valueOf(19));
  /** The Montgomery coefficient A of curve25519, v^2 = u^3 + A u^2 + u. */
  static final int A = 486662;
  /** (A + 2) / 4, the ladder constant in the form z = E (BB + A24 E). */
  static final int A24 = 121666;

  static final int[] ONE = of(BigInteger.ONE);
  static final int[] MINUS_A = of(P.subtract(BigInteger.valueOf(A)));
  /** sqrt(-1) = 2^((p - 1) / 4). */
  static final int[] SQRT_M1 = of(sqrtMinusOne());
  /** 2^((p + 3) / 8), constant c2 of RFC 9380 appendix G.2.1. */
  static final int[] ELL2_C2 = of(BigInteger.TWO.modPow(P.add(BigInteger.valueOf(3)).shiftRight(3), P));
  /** sqrt(-486664) with sgn0 = 0, the constant c1 of the RFC 7748 / RFC 9380 G.2.2 rational map. */
  static final int[] SQRT_M486664 = of(sqrtEven(P.subtract(BigInteger.valueOf(486664))));
  /** 2d of edwards25519, d = -121665 / 121666. */
  static final int[] D2 = of(BigInteger.valueOf(-121665).mod(P)
      .multiply(BigInteger.valueOf(121666).modInverse(P)).shiftLeft(1).mod(P));

  private Fe() {}

  static int[] create() {
    return X25519Field.create();
  }

  /** Returns the field element of a value in [0, p). */
  static int[] of(BigInteger value) {
    if (value.signum() < 0 || value.compareTo(P) >= 0) {
      throw new IllegalArgumentException("not in [0, p): " + value);
    }
    byte[] be = value.toByteArray();
    byte[] le = new byte[32];
    for (int i = 0; i < be.length && i < 32; i++) {
      le[i] = be[be.length - 1 - i];
    }
    int[] z = create();
    X25519Field.decode(le, 0, z);
    return z;
  }

  /** Returns the canonical value of x in [0, p). */
  static BigInteger toBigInteger(int[] x) {
    byte[] le = new byte[32];
    encode(x, le, 0);
    byte[] be = new byte[33];
    for (int i = 0; i < 32; i++) {
      be[32 - i] = le[i];
    }
    return new BigInteger(be);
  }

  /** Writes the canonical 32-byte little-endian encoding of x (x itself is left unchanged). */
  static void encode(int[] x, byte[] out, int off) {
    int[] t = create();
    canonical(x, t);
    X25519Field.encode(t, out, off);
  }

  /** Sets z to the canonical limbs of x: the unique representation of its value in [0, p). */
  static void canonical(int[] x, int[] z) {
    X25519Field.mul(x, ONE, z);
    X25519Field.normalize(z);
  }

  /** Returns -1 if x is zero and 0 otherwise, in constant time. */
  static int isZero(int[] x) {
    int[] t = create();
    canonical(x, t);
    return X25519Field.isZero(t);
  }

  /** Returns -1 if x equals y and 0 otherwise, in constant time. */
  static int equal(int[] x, int[] y) {
    int[] t = create();
    X25519Field.sub(x, y, t);
    return isZero(t);
  }

  /** Returns sgn0(x) of RFC 9380 section 4.1 (the parity of the canonical value), constant time. */
  static int sgn0(int[] x) {
    int[] t = create();
    canonical(x, t);
    return t[0] & 1;
  }

  /** Sets z to x if mask is -1 and leaves it if mask is 0 (RFC 9380 CMOV(z, x, mask)). */
  static void cmov(int mask, int[] x, int[] z) {
    X25519Field.cmov(mask, x, 0, z, 0);
  }

  /** Sets z = x^((p - 5) / 8) = x^(2^252 - 3). */
  static void pow22523(int[] x, int[] z) {
    int[] x2 = create();
    int[] x3 = create();
    int[] x10 = create();
    int[] x15 = create();
    X25519Field.sqr(x, x2);
    X25519Field.mul(x, x2, x2);            // 2 ones
    X25519Field.sqr(x2, x3);
    X25519Field.mul(x, x3, x3);            // 3 ones
    int[] x5 = x3;
    X25519Field.sqr(x3, 2, x5);
    X25519Field.mul(x2, x5, x5);           // 5 ones
    X25519Field.sqr(x5, 5, x10);
    X25519Field.mul(x5, x10, x10);         // 10 ones
    X25519Field.sqr(x10, 5, x15);
    X25519Field.mul(x5, x15, x15);         // 15 ones
    int[] x25 = x5;
    X25519Field.sqr(x15, 10, x25);
    X25519Field.mul(x10, x25, x25);        // 25 ones
    int[] x50 = x10;
    X25519Field.sqr(x25, 25, x50);
    X25519Field.mul(x25, x50, x50);        // 50 ones
    int[] x75 = x15;
    X25519Field.sqr(x50, 25, x75);
    X25519Field.mul(x25, x75, x75);        // 75 ones
    int[] x125 = x25;
    X25519Field.sqr(x75, 50, x125);
    X25519Field.mul(x50, x125, x125);      // 125 ones
    int[] x250 = x50;
    X25519Field.sqr(x125, 125, x250);
    X25519Field.mul(x125, x250, x250);     // 250 ones
    X25519Field.sqr(x250, 2, x250);
    X25519Field.mul(x250, x, z);           // 250 ones, 0, 1
  }

  /** Returns true if x is a nonzero square: x^((p - 1) / 2) = 1 (public input). */
  static boolean isNonZeroSquareVar(int[] x) {
    int[] t = create();
    int[] x2 = create();
    pow22523(x, t);                        // x^(2^252 - 3)
    X25519Field.sqr(t, 2, t);              // x^(2^254 - 12)
    X25519Field.sqr(x, x2);
    X25519Field.mul(t, x2, t);             // x^(2^254 - 10) = x^((p - 1) / 2)
    return Fe.equal(t, ONE) != 0;
  }

  /**
   * Reduces a 48-byte big-endian integer modulo p into z: the OS2IP(tv) mod p step of RFC 9380
   * hash_to_field (L = 48). Uses 2^255 = 19 and 2^256 = 38 (mod p).
   */
  static void fromBigEndian48(byte[] bytes, int off, int[] z) {
    byte[] low = new byte[32];
    byte[] high = new byte[32];
    for (int i = 0; i < 32; i++) {
      low[i] = bytes[off + 47 - i];
    }
    for (int i = 0; i < 16; i++) {
      high[i] = bytes[off + 15 - i];
    }
    int bit255 = (low[31] >>> 7) & 1;
    X25519Field.decode(low, 0, z);         // drops bit 255
    int[] h = create();
    X25519Field.decode(high, 0, h);
    X25519Field.mul(h, 38, h);
    X25519Field.add(z, h, z);
    z[0] += 19 * bit255;
    X25519Field.carry(z);
  }

  private static BigInteger sqrtEven(BigInteger a) {
    BigInteger r = a.modPow(P.add(BigInteger.valueOf(3)).shiftRight(3), P);
    if (!r.multiply(r).mod(P).equals(a)) {
      r = r.multiply(sqrtMinusOne()).mod(P);
    }
    if (!r.multiply(r).mod(P).equals(a)) {
      throw new IllegalStateException("not a square");
    }
    return r.testBit(0) ? P.subtract(r) : r;
  }

  private static BigInteger sqrtMinusOne() {
    return BigInteger.TWO.modPow(P.subtract(BigInteger.ONE).shiftRight(2), P);
  }
}
