package dev.tandem.crypto.psi;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.bouncycastle.math.ec.rfc7748.X25519Field;

/**
 * Hashing to curve25519 exactly as RFC 9380 specifies the suite
 * {@code curve25519_XMD:SHA-512_ELL2_RO_}: expand_message_xmd with SHA-512 (section 5.3.1),
 * hash_to_field with L = 48 and count 2 (section 5.2), the straight-line Elligator 2 map of appendix
 * G.2.1, point addition, and clear_cofactor with h_eff = 8.
 *
 * <p>The two mapped points are added and doubled on edwards25519 through the rational map of RFC
 * 7748 / RFC 9380 appendix G.2.2 (a group isomorphism, so the result is the same point); the
 * Montgomery u-coordinate u = (1 + y) / (1 - y) is then what the PSI protocol uses. The same code
 * yields the {@code edwards25519_XMD:SHA-512_ELL2_RO_} suite, which the known-answer tests check
 * too. The map is constant time in the message; the identity (probability about 2^-250) is
 * returned as u = 0, as in X25519.
 *
 * <p>Instances are immutable and thread safe; scratch state lives in {@link Batch}, one per thread.
 */
final class HashToCurve {
  /** The PSI domain separation tag (RFC 9380 section 3.1 format). */
  static final byte[] PSI_DST =
      "TANDEM-PSI-V01-CS01-with-curve25519_XMD:SHA-512_ELL2_RO_".getBytes(StandardCharsets.US_ASCII);

  private static final int L = 48;
  private static final int SHA512_BLOCK = 128;
  private static final int SHA512_OUT = 64;

  private final byte[] dstPrime;
  private final MessageDigest padded;

  /** Creates the hasher for a domain separation tag of 1 to 255 bytes. */
  HashToCurve(byte[] dst) {
    if (dst.length == 0 || dst.length > 255) {
      throw new IllegalArgumentException("DST must be 1..255 bytes, got " + dst.length);
    }
    dstPrime = new byte[dst.length + 1];
    System.arraycopy(dst, 0, dstPrime, 0, dst.length);
    dstPrime[dst.length] = (byte) dst.length;
    padded = sha512();
    padded.update(new byte[SHA512_BLOCK]);  // Z_pad: the state after it is the same for every message
  }

  /** Returns expand_message_xmd(msg, DST, len) with the given hash (RFC 9380 section 5.3.1). */
  static byte[] expandMessageXmd(String hash, int blockBytes, byte[] msg, byte[] dst, int lenInBytes) {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(hash + " unavailable", e);
    }
    int outBytes = digest.getDigestLength();
    int ell = (lenInBytes + outBytes - 1) / outBytes;
    if (ell > 255 || lenInBytes > 65535 || dst.length > 255) {
      throw new IllegalArgumentException("expand_message_xmd parameters out of range");
    }
    byte[] dstPrime = new byte[dst.length + 1];
    System.arraycopy(dst, 0, dstPrime, 0, dst.length);
    dstPrime[dst.length] = (byte) dst.length;
    digest.update(new byte[blockBytes]);
    digest.update(msg);
    digest.update(new byte[] {(byte) (lenInBytes >>> 8), (byte) lenInBytes, 0});
    digest.update(dstPrime);
    byte[] b0 = digest.digest();
    byte[] out = new byte[ell * outBytes];
    byte[] previous = new byte[outBytes];
    for (int i = 1; i <= ell; i++) {
      byte[] input = new byte[outBytes];
      for (int j = 0; j < outBytes; j++) {
        input[j] = (byte) (b0[j] ^ previous[j]);
      }
      digest.update(input);
      digest.update((byte) i);
      digest.update(dstPrime);
      previous = digest.digest();
      System.arraycopy(previous, 0, out, (i - 1) * outBytes, outBytes);
    }
    byte[] result = new byte[lenInBytes];
    System.arraycopy(out, 0, result, 0, lenInBytes);
    return result;
  }

  /**
   * Sets (xn / xd, yn / 1) to map_to_curve_elligator2_curve25519(u), RFC 9380 appendix G.2.1, step
   * for step.
   */
  static void mapToCurveElligator2(int[] u, int[] xn, int[] xd, int[] y) {
    int[] tv1 = Fe.create();
    int[] tv2 = Fe.create();
    int[] tv3 = Fe.create();
    int[] gxd = Fe.create();
    int[] gx1 = Fe.create();
    int[] gx2 = Fe.create();
    int[] y11 = Fe.create();
    int[] y12 = Fe.create();
    int[] y21 = Fe.create();
    int[] y22 = Fe.create();
    int[] x1n = Fe.create();
    int[] x2n = Fe.create();
    int[] y1 = Fe.create();
    int[] y2 = Fe.create();
    X25519Field.sqr(u, tv1);                       // 1. tv1 = u^2
    X25519Field.add(tv1, tv1, tv1);                // 2. tv1 = 2 * tv1
    X25519Field.carry(tv1);
    X25519Field.add(tv1, Fe.ONE, xd);              // 3. xd = tv1 + 1
    X25519Field.carry(xd);
    X25519Field.copy(Fe.MINUS_A, 0, x1n, 0);       // 4. x1n = -A
    X25519Field.sqr(xd, tv2);                      // 5. tv2 = xd^2
    X25519Field.mul(tv2, xd, gxd);                 // 6. gxd = tv2 * xd
    X25519Field.mul(tv1, Fe.A, gx1);               // 7. gx1 = A * tv1
    X25519Field.mul(gx1, x1n, gx1);                // 8. gx1 = gx1 * x1n
    X25519Field.add(gx1, tv2, gx1);                // 9. gx1 = gx1 + tv2
    X25519Field.mul(gx1, x1n, gx1);                // 10. gx1 = gx1 * x1n
    X25519Field.sqr(gxd, tv3);                     // 11. tv3 = gxd^2
    X25519Field.sqr(tv3, tv2);                     // 12. tv2 = tv3^2
    X25519Field.mul(tv3, gxd, tv3);                // 13. tv3 = tv3 * gxd
    X25519Field.mul(tv3, gx1, tv3);                // 14. tv3 = tv3 * gx1
    X25519Field.mul(tv2, tv3, tv2);                // 15. tv2 = tv2 * tv3
    Fe.pow22523(tv2, y11);                         // 16. y11 = tv2^c4
    X25519Field.mul(y11, tv3, y11);                // 17. y11 = y11 * tv3
    X25519Field.mul(y11, Fe.SQRT_M1, y12);         // 18. y12 = y11 * c3
    X25519Field.sqr(y11, tv2);                     // 19. tv2 = y11^2
    X25519Field.mul(tv2, gxd, tv2);                // 20. tv2 = tv2 * gxd
    int e1 = Fe.equal(tv2, gx1);                   // 21. e1 = tv2 == gx1
    X25519Field.copy(y12, 0, y1, 0);               // 22. y1 = CMOV(y12, y11, e1)
    Fe.cmov(e1, y11, y1);
    X25519Field.mul(x1n, tv1, x2n);                // 23. x2n = x1n * tv1
    X25519Field.mul(y11, u, y21);                  // 24. y21 = y11 * u
    X25519Field.mul(y21, Fe.ELL2_C2, y21);         // 25. y21 = y21 * c2
    X25519Field.mul(y21, Fe.SQRT_M1, y22);         // 26. y22 = y21 * c3
    X25519Field.mul(gx1, tv1, gx2);                // 27. gx2 = gx1 * tv1
    X25519Field.sqr(y21, tv2);                     // 28. tv2 = y21^2
    X25519Field.mul(tv2, gxd, tv2);                // 29. tv2 = tv2 * gxd
    int e2 = Fe.equal(tv2, gx2);                   // 30. e2 = tv2 == gx2
    X25519Field.copy(y22, 0, y2, 0);               // 31. y2 = CMOV(y22, y21, e2)
    Fe.cmov(e2, y21, y2);
    X25519Field.sqr(y1, tv2);                      // 32. tv2 = y1^2
    X25519Field.mul(tv2, gxd, tv2);                // 33. tv2 = tv2 * gxd
    int e3 = Fe.equal(tv2, gx1);                   // 34. e3 = tv2 == gx1
    X25519Field.copy(x2n, 0, xn, 0);               // 35. xn = CMOV(x2n, x1n, e3)
    Fe.cmov(e3, x1n, xn);
    X25519Field.copy(y2, 0, y, 0);                 // 36. y = CMOV(y2, y1, e3)
    Fe.cmov(e3, y1, y);
    int e4 = -Fe.sgn0(y);                          // 37. e4 = sgn0(y) == 1
    X25519Field.negate(y, tv2);                    // 38. y = CMOV(y, -y, e3 XOR e4)
    Fe.cmov(e3 ^ e4, tv2, y);
  }

  /**
   * Sets p to map_to_curve_elligator2_edwards25519(u), RFC 9380 appendix G.2.2: the curve25519 map
   * followed by the rational map (x, y) = (c1 u / v, (u - 1) / (u + 1)), identity when undefined.
   */
  static void mapToEdwards(int[] u, Edwards p) {
    int[] xmn = Fe.create();
    int[] xmd = Fe.create();
    int[] ymn = Fe.create();
    mapToCurveElligator2(u, xmn, xmd, ymn);       // yMd = 1
    int[] xn = Fe.create();
    int[] xd = Fe.create();
    int[] yn = Fe.create();
    int[] yd = Fe.create();
    X25519Field.mul(xmn, Fe.SQRT_M486664, xn);     // 2-3. xn = xMn * yMd * c1
    X25519Field.mul(xmd, ymn, xd);                 // 4. xd = xMd * yMn
    X25519Field.sub(xmn, xmd, yn);                 // 5. yn = xMn - xMd
    X25519Field.add(xmn, xmd, yd);                 // 6. yd = xMn + xMd
    int[] tv1 = Fe.create();
    X25519Field.mul(xd, yd, tv1);                  // 7. tv1 = xd * yd
    int e = Fe.isZero(tv1);                        // 8. e = tv1 == 0
    int[] zero = Fe.create();
    Fe.cmov(e, zero, xn);                          // 9-12. identity (0, 1) if e
    Fe.cmov(e, Fe.ONE, xd);
    Fe.cmov(e, Fe.ONE, yn);
    Fe.cmov(e, Fe.ONE, yd);
    p.setFractions(xn, xd, yn, yd);
  }

  /**
   * Sets p to hash_to_curve(msg) on edwards25519 (before the final conversion): the sum of the two
   * mapped field elements of the 96 uniform bytes, times the cofactor 8.
   */
  static void fromUniformBytes(byte[] uniform, Edwards p, Edwards q) {
    int[] u = Fe.create();
    Fe.fromBigEndian48(uniform, 0, u);
    mapToEdwards(u, p);
    Fe.fromBigEndian48(uniform, L, u);
    mapToEdwards(u, q);
    p.add(q);
    p.doubleNoT();
    p.doubleNoT();
    p.doubleNoT();
  }

  /**
   * Returns the 2 L = 96 uniform bytes of hash_to_field for msg: expand_message_xmd with SHA-512
   * starting from a copy of {@code prototype}, a digest that has absorbed Z_pad.
   */
  byte[] uniformBytes(byte[] msg, MessageDigest prototype, MessageDigest scratch) {
    MessageDigest first = copy(prototype);
    first.update(msg);
    first.update(new byte[] {0, (byte) (2 * L), 0});
    first.update(dstPrime);
    byte[] b0 = first.digest();
    scratch.reset();
    scratch.update(b0);
    scratch.update((byte) 1);
    scratch.update(dstPrime);
    byte[] b1 = scratch.digest();
    byte[] mixed = new byte[SHA512_OUT];
    for (int j = 0; j < SHA512_OUT; j++) {
      mixed[j] = (byte) (b0[j] ^ b1[j]);
    }
    scratch.update(mixed);
    scratch.update((byte) 2);
    scratch.update(dstPrime);
    byte[] b2 = scratch.digest();
    byte[] uniform = new byte[2 * L];
    System.arraycopy(b1, 0, uniform, 0, SHA512_OUT);
    System.arraycopy(b2, 0, uniform, SHA512_OUT, 2 * L - SHA512_OUT);
    return uniform;
  }

  /** Scratch state for hashing a chunk of messages on one thread. */
  final class Batch {
    private final MessageDigest prototype = copy(padded);
    private final MessageDigest scratch = sha512();
    private final Edwards p = new Edwards();
    private final Edwards q = new Edwards();
    private final BatchInverter inverter;
    private final int[][] numerators;

    Batch(int capacity) {
      inverter = new BatchInverter(capacity);
      numerators = new int[capacity][];
      for (int i = 0; i < capacity; i++) {
        numerators[i] = Fe.create();
      }
    }

    /**
     * Sets us[i] (canonical limbs) to the curve25519 u-coordinate of hash_to_curve(messages[i]) for
     * i in [0, count).
     */
    void hashToU(byte[][] messages, int count, int[][] us) {
      int[][] denominators = inverter.elements();
      for (int i = 0; i < count; i++) {
        fromUniformBytes(uniformBytes(messages[i], prototype, scratch), p, q);
        X25519Field.apm(p.z, p.y, numerators[i], denominators[i]);   // u = (Z + Y) / (Z - Y)
      }
      inverter.invert(count);
      for (int i = 0; i < count; i++) {
        X25519Field.mul(numerators[i], denominators[i], us[i]);
        X25519Field.normalize(us[i]);
      }
    }
  }

  private static MessageDigest copy(MessageDigest digest) {
    try {
      return (MessageDigest) digest.clone();
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("SHA-512 digest not cloneable", e);
    }
  }

  private static MessageDigest sha512() {
    try {
      return MessageDigest.getInstance("SHA-512");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-512 unavailable", e);
    }
  }
}
