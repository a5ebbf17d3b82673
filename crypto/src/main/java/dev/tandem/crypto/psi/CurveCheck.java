package dev.tandem.crypto.psi;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.math.ec.rfc7748.X25519Field;

/**
 * Validates a message's points on all cores. Canonical form and small order are checked point by
 * point. Curve membership, a square test of g(u) that would cost a 254-bit exponentiation per point,
 * is checked in a randomized batch: for each of 64 secret random subsets of the points, the product
 * of their g(u) must be a square. A nonzero element is a square or not, so if any point is off the
 * curve each subset product fails with probability exactly 1/2, independently: a bad message
 * passes with probability 2^-64, for about 32 multiplications per point. A failed batch is rescanned
 * point by point to name the first bad point. (Even a point that slipped through would be harmless:
 * X25519 is twist secure, and clamped scalars clear the twist's cofactor 4.)
 */
final class CurveCheck {
  /** Independent subsets: the probability that a message with an off-curve point passes is 2^-64. */
  static final int TRIALS = 64;
  /** Below this many points, each point's g(u) is tested on its own. */
  static final int BATCH_MIN = 256;

  private static final SecureRandom RANDOM = new SecureRandom();

  private CurveCheck() {}

  /** Returns the index of the first invalid point among count, or -1 if all are valid. */
  static int firstInvalid(byte[] points, int count) {
    AtomicInteger firstBad = new AtomicInteger(Integer.MAX_VALUE);
    byte[] key = new byte[32];
    RANDOM.nextBytes(key);
    boolean batch = count >= BATCH_MIN;
    int[][] products = batch ? ones(TRIALS) : null;
    Chunks.forEach(count, (from, to) -> {
      Points.Scratch s = new Points.Scratch();
      int[][] local = batch ? ones(TRIALS) : null;
      long[] bits = batch ? subsetBits(key, from, to - from) : null;
      for (int i = from; i < to; i++) {
        if (Points.checkAllButCurve(points, i * Ladder.SIZE, s) != null
            || !batch && !Fe.isNonZeroSquareVar(s.g)) {
          firstBad.accumulateAndGet(i, Math::min);
          return;
        }
        if (batch) {
          long b = bits[i - from];
          for (int t = 0; t < TRIALS; t++) {
            if ((b >>> t & 1) != 0) {
              X25519Field.mul(local[t], s.g, local[t]);
            }
          }
        }
      }
      if (batch) {
        synchronized (products) {
          for (int t = 0; t < TRIALS; t++) {
            X25519Field.mul(products[t], local[t], products[t]);
          }
        }
      }
    });
    boolean failed = firstBad.get() != Integer.MAX_VALUE;
    for (int t = 0; batch && !failed && t < TRIALS; t++) {
      failed = !Fe.isNonZeroSquareVar(products[t]);
    }
    return failed ? rescan(points, count) : -1;
  }

  /** The index of the first invalid point, each point checked on its own. */
  private static int rescan(byte[] points, int count) {
    AtomicInteger firstBad = new AtomicInteger(Integer.MAX_VALUE);
    Chunks.forEach(count, (from, to) -> {
      for (int i = from; i < to; i++) {
        if (Points.check(points, i * Ladder.SIZE) != null) {
          firstBad.accumulateAndGet(i, Math::min);
          return;
        }
      }
    });
    if (firstBad.get() == Integer.MAX_VALUE) {
      throw new IllegalStateException("a product of squares was not a square");
    }
    return firstBad.get();
  }

  /** 64 secret random subset bits for each point of a chunk: SHA-256(key, from, block) in counter mode. */
  private static long[] subsetBits(byte[] key, int from, int count) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
    long[] bits = new long[count];
    for (int block = 0; block * 4 < count; block++) {
      sha.update(key);
      sha.update(ByteBuffer.allocate(8).putInt(from).putInt(block).array());
      ByteBuffer out = ByteBuffer.wrap(sha.digest());
      for (int j = 0; j < 4 && block * 4 + j < count; j++) {
        bits[block * 4 + j] = out.getLong();
      }
    }
    return bits;
  }

  private static int[][] ones(int n) {
    int[][] elements = new int[n][];
    for (int i = 0; i < n; i++) {
      elements[i] = Fe.create();
      X25519Field.one(elements[i]);
    }
    return elements;
  }
}
