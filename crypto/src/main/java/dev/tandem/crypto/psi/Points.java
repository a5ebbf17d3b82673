package dev.tandem.crypto.psi;

import org.bouncycastle.math.ec.rfc7748.X25519Field;

/**
 * The wire form of a group element: the 32-byte little-endian u-coordinate of a curve25519 point
 * (RFC 7748 section 5), which is the point compressed to its x-only form. A received element is
 * accepted only if it is canonical (below p, top bit clear), is not of order dividing 8 (which
 * includes the identity, encoded u = 0), and lies on curve25519, not its twist: g(u) = u^3 + A u^2
 * + u is a square.
 */
final class Points {
  /** Why an encoded point is refused. */
  enum Defect {
    NON_CANONICAL("not a canonical u-coordinate"),
    NOT_ON_CURVE("not on curve25519"),
    LOW_ORDER("of order dividing 8");

    final String description;

    Defect(String description) {
      this.description = description;
    }
  }

  /** Scratch field elements for the checks, one set per thread. */
  static final class Scratch {
    final int[] u = Fe.create();
    final int[] g = Fe.create();
    final int[] x = Fe.create();
    final int[] z = Fe.create();
    final int[] t = Fe.create();
  }

  private Points() {}

  /** Returns the defect of the point at bytes[off, off + 32), or null if it is a valid element. */
  static Defect check(byte[] bytes, int off) {
    Scratch s = new Scratch();
    Defect defect = checkAllButCurve(bytes, off, s);
    if (defect != null) {
      return defect;
    }
    return Fe.isNonZeroSquareVar(s.g) ? null : Defect.NOT_ON_CURVE;
  }

  /**
   * Checks everything but curve membership; leaves g(u) in s.g for the caller to test for being a
   * square (alone, or multiplied with others).
   */
  static Defect checkAllButCurve(byte[] bytes, int off, Scratch s) {
    if (!isCanonical(bytes, off)) {
      return Defect.NON_CANONICAL;
    }
    X25519Field.decode(bytes, off, s.u);
    if (Fe.isZero(s.u) != 0) {
      return Defect.LOW_ORDER;                     // (0, 0), or the identity in X25519's encoding
    }
    // 8 P = O exactly when the x-only doubling chain from (u : 1) reaches Z = 0.
    X25519Field.copy(s.u, 0, s.x, 0);
    X25519Field.one(s.z);
    for (int i = 0; i < 3; i++) {
      Ladder.doubleXz(s.x, s.z, s.t, s.g);
    }
    if (Fe.isZero(s.z) != 0) {
      return Defect.LOW_ORDER;
    }
    // g(u) = u (u (u + A) + 1)
    X25519Field.copy(s.u, 0, s.g, 0);
    s.g[0] += Fe.A;
    X25519Field.mul(s.g, s.u, s.g);
    X25519Field.addOne(s.g);
    X25519Field.mul(s.g, s.u, s.g);
    return null;
  }

  /** Returns true if bytes[off, off + 32) encodes a value below p with bit 255 clear. */
  static boolean isCanonical(byte[] bytes, int off) {
    if ((bytes[off + 31] & 0x80) != 0) {
      return false;
    }
    if (bytes[off + 31] != 0x7F || (bytes[off] & 0xFF) < 0xED) {
      return true;
    }
    for (int i = 1; i < 31; i++) {
      if (bytes[off + i] != (byte) 0xFF) {
        return true;
      }
    }
    return false;
  }
}
