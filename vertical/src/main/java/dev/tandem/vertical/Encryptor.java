package dev.tandem.vertical;

import dev.tandem.crypto.paillier.ObfuscatorPool;
import dev.tandem.crypto.paillier.PaillierCiphertext;
import dev.tandem.crypto.paillier.PaillierPublicKey;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;

/**
 * Encrypts under the arbiter's key with randomness precomputed by an {@link ObfuscatorPool} while
 * it lasts, and fresh randomness on all cores beyond that. Every ciphertext gets its own
 * randomness. Thread-safe; {@link #close()} stops the pool.
 */
public final class Encryptor implements AutoCloseable {
  private final PaillierPublicKey key;
  private final SecureRandom random;
  private final ObfuscatorPool pool;

  private Encryptor(PaillierPublicKey key, SecureRandom random, ObfuscatorPool pool) {
    this.key = key;
    this.random = random;
    this.pool = pool;
  }

  /**
   * An encryptor whose pool keeps up to {@code poolCapacity} values ready, filled by
   * {@code poolThreads} background threads (0 threads: no pool, all randomness fresh).
   */
  public static Encryptor start(PaillierPublicKey key, SecureRandom random, int poolCapacity, int poolThreads) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(random, "random");
    ObfuscatorPool pool = poolThreads > 0 && poolCapacity > 0
        ? ObfuscatorPool.start(key, poolCapacity, poolThreads, random) : null;
    return new Encryptor(key, random, pool);
  }

  /** Returns the key this encrypts under. */
  public PaillierPublicKey key() {
    return key;
  }

  /**
   * Waits until {@code count} precomputed values are ready (at most the pool's capacity), so that
   * the next {@code count} encryptions cost one multiplication each.
   *
   * @return whether they were ready before the timeout
   */
  public boolean awaitReady(int count, java.time.Duration timeout) throws InterruptedException {
    return pool == null || pool.awaitAvailable(count, timeout);
  }

  /** Stops precomputing (the cores go to the caller's work) until {@link #resumePrecomputation()}. */
  public void pausePrecomputation() {
    if (pool != null) {
      pool.pause();
    }
  }

  /** Precomputes again after {@link #pausePrecomputation()}. */
  public void resumePrecomputation() {
    if (pool != null) {
      pool.resume();
    }
  }

  /** Encrypts each plaintext, an element of [0, n). */
  public PaillierCiphertext[] encryptAll(BigInteger[] plaintexts) {
    int fromPool = pool == null ? 0 : Math.min(plaintexts.length, pool.available());
    if (fromPool == 0) {
      return key.encryptAll(plaintexts, random);
    }
    PaillierCiphertext[] head = pool.encryptAll(Arrays.copyOf(plaintexts, fromPool));
    if (fromPool == plaintexts.length) {
      return head;
    }
    PaillierCiphertext[] tail = key.encryptAll(Arrays.copyOfRange(plaintexts, fromPool, plaintexts.length), random);
    PaillierCiphertext[] out = Arrays.copyOf(head, plaintexts.length);
    System.arraycopy(tail, 0, out, fromPool, tail.length);
    return out;
  }

  @Override
  public void close() {
    if (pool != null) {
      pool.close();
    }
  }
}
