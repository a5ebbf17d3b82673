package dev.tandem.crypto.psi;

import java.security.SecureRandom;
import org.bouncycastle.math.ec.rfc7748.X25519;
import org.bouncycastle.math.ec.rfc7748.X25519Field;

/**
 * Benchmark aid, not a protocol step: runs bare X25519 scalar multiplications with the kernel
 * {@link PsiParty} uses, on all cores, so that a benchmark can time the protocol beside its limit.
 *
 * <p>A PSI over n ids per side costs 4 n scalar multiplications (each party blinds its n ids and
 * reblinds the peer's n); {@link #run(long)} does count of them and nothing else: decode a
 * u-coordinate, run the constant-time ladder, normalize a chunk with one shared inversion, encode.
 * The points are a fixed pool of valid ones, the scalar a random one drawn at creation; neither is
 * secret. Not thread safe: one run at a time per instance (each run uses all cores itself).
 */
public final class ScalarMultLimit {
  private static final int POOL = 1024;
  private static final int MAX_BATCH = 1 << 20;

  private final byte[] pool = new byte[POOL * Ladder.SIZE];
  private final int[] scalar;
  private byte[] out = new byte[0];

  private ScalarMultLimit(SecureRandom random) {
    byte[] k = new byte[Ladder.SIZE];
    for (int i = 0; i < POOL; i++) {
      random.nextBytes(k);
      X25519.scalarMultBase(k, 0, pool, i * Ladder.SIZE);
    }
    random.nextBytes(k);
    scalar = Ladder.clampedScalar(k);
  }

  /** Returns a limit over a fresh pool of 1024 valid points and a fresh scalar. */
  public static ScalarMultLimit create() {
    return new ScalarMultLimit(new SecureRandom());
  }

  /**
   * Runs count scalar multiplications on all cores, in batches of at most 2^20, writing the
   * results to a buffer this instance keeps.
   *
   * @throws IllegalArgumentException if count is negative
   */
  public void run(long count) {
    if (count < 0) {
      throw new IllegalArgumentException("count must be >= 0, got " + count);
    }
    int largest = (int) Math.min(count, MAX_BATCH);
    if (out.length < largest * Ladder.SIZE) {
      out = new byte[largest * Ladder.SIZE];
    }
    byte[] results = out;
    for (long done = 0; done < count; ) {
      int batch = (int) Math.min(count - done, MAX_BATCH);
      Chunks.forEach(batch, (from, to) -> {
        int size = to - from;
        int[][] us = new int[size][];
        for (int i = 0; i < size; i++) {
          us[i] = Fe.create();
          X25519Field.decode(pool, ((from + i) % POOL) * Ladder.SIZE, us[i]);
        }
        new Ladder(size).multiply(scalar, us, size, results, from * Ladder.SIZE);
      });
      done += batch;
    }
  }
}
