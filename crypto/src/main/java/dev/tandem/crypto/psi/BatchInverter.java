package dev.tandem.crypto.psi;

import org.bouncycastle.math.ec.rfc7748.X25519Field;

/**
 * Inverts many field elements with one inversion (Montgomery's trick): 3 multiplications per
 * element plus one constant-time {@link X25519Field#inv}. Zero elements invert to zero, as
 * {@code inv} does. Mutable scratch object, one per thread.
 */
final class BatchInverter {
  private final int[][] elements;
  private final int[][] prefix;
  private final int[] zeroMask;
  private final int[] accumulator = Fe.create();
  private final int[] inverse = Fe.create();
  private final int[] t = Fe.create();

  BatchInverter(int capacity) {
    elements = new int[capacity][];
    prefix = new int[capacity][];
    zeroMask = new int[capacity];
    for (int i = 0; i < capacity; i++) {
      elements[i] = Fe.create();
      prefix[i] = Fe.create();
    }
  }

  /** The elements to invert; callers write into them, then call {@link #invert}. */
  int[][] elements() {
    return elements;
  }

  /** Replaces elements[0..count) by their inverses. */
  void invert(int count) {
    X25519Field.one(accumulator);
    for (int i = 0; i < count; i++) {
      int[] e = elements[i];
      int zero = Fe.isZero(e);
      zeroMask[i] = zero;
      Fe.cmov(zero, Fe.ONE, e);
      X25519Field.copy(accumulator, 0, prefix[i], 0);
      X25519Field.mul(accumulator, e, accumulator);
    }
    X25519Field.inv(accumulator, inverse);
    for (int i = count - 1; i >= 0; i--) {
      int[] e = elements[i];
      X25519Field.mul(inverse, prefix[i], t);    // 1 / e_i
      X25519Field.mul(inverse, e, inverse);      // 1 / (e_0 ... e_{i-1})
      X25519Field.copy(t, 0, e, 0);
      X25519Field.zero(t);
      Fe.cmov(zeroMask[i], t, e);
    }
  }
}
