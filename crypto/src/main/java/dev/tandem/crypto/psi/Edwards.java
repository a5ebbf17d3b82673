package dev.tandem.crypto.psi;

import org.bouncycastle.math.ec.rfc7748.X25519Field;

/**
 * A point of edwards25519 (-x^2 + y^2 = 1 + d x^2 y^2) in extended coordinates (X : Y : Z : T),
 * x = X / Z, y = Y / Z, x y = T / Z, with the complete addition and doubling formulas of Hisil,
 * Wong, Carter and Dawson (2008) for a = -1. Mutable scratch object, one per thread.
 */
final class Edwards {
  final int[] x = Fe.create();
  final int[] y = Fe.create();
  final int[] z = Fe.create();
  final int[] t = Fe.create();

  private final int[] a = Fe.create();
  private final int[] b = Fe.create();
  private final int[] c = Fe.create();
  private final int[] d = Fe.create();
  private final int[] e = Fe.create();
  private final int[] f = Fe.create();
  private final int[] g = Fe.create();
  private final int[] h = Fe.create();

  /** Sets this point from affine fractions x = xn / xd, y = yn / yd. */
  void setFractions(int[] xn, int[] xd, int[] yn, int[] yd) {
    X25519Field.mul(xn, yd, x);
    X25519Field.mul(yn, xd, y);
    X25519Field.mul(xd, yd, z);
    X25519Field.mul(xn, yn, t);
  }

  /** Sets this = this + q (add-2008-hwcd-3 with k = 2d); complete on edwards25519. */
  void add(Edwards q) {
    X25519Field.sub(y, x, a);
    X25519Field.sub(q.y, q.x, b);
    X25519Field.mul(a, b, a);              // A = (Y1 - X1)(Y2 - X2)
    X25519Field.add(y, x, b);
    X25519Field.add(q.y, q.x, c);
    X25519Field.mul(b, c, b);              // B = (Y1 + X1)(Y2 + X2)
    X25519Field.mul(t, q.t, c);
    X25519Field.mul(c, Fe.D2, c);          // C = T1 2d T2
    X25519Field.mul(z, q.z, d);
    X25519Field.add(d, d, d);              // D = 2 Z1 Z2
    X25519Field.carry(d);
    X25519Field.sub(b, a, e);              // E = B - A
    X25519Field.sub(d, c, f);              // F = D - C
    X25519Field.add(d, c, g);              // G = D + C
    X25519Field.add(b, a, h);              // H = B + A
    X25519Field.carry(f);
    X25519Field.carry(g);
    X25519Field.mul(e, f, x);
    X25519Field.mul(g, h, y);
    X25519Field.mul(e, h, t);
    X25519Field.mul(f, g, z);
  }

  /** Sets this = 2 this (dbl-2008-hwcd, a = -1); T is not updated, so a doubling must end a chain. */
  void doubleNoT() {
    X25519Field.sqr(x, a);                 // A = X^2
    X25519Field.sqr(y, b);                 // B = Y^2
    X25519Field.sqr(z, c);
    X25519Field.add(c, c, c);              // C = 2 Z^2
    X25519Field.apm(a, b, h, g);           // h = A + B, g = A - B
    X25519Field.add(x, y, e);
    X25519Field.sqr(e, e);
    X25519Field.sub(h, e, e);              // e = A + B - (X + Y)^2 = -E
    X25519Field.carry(e);
    X25519Field.add(c, g, f);              // f = C + A - B = -F
    X25519Field.carry(f);
    X25519Field.mul(e, f, x);              // X3 = E F
    X25519Field.mul(g, h, y);              // Y3 = G H
    X25519Field.mul(f, g, z);              // Z3 = F G
  }
}
