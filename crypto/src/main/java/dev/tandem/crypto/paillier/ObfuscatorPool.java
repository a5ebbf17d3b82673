package dev.tandem.crypto.paillier;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Encryption randomness computed ahead by background threads, so that encrypting on the hot path
 * costs one multiplication mod n (about 7 us at 2048 bits, 70 times less than computing h_s^a).
 *
 * <p>Worker threads (daemons) keep up to {@code capacity} values h_s^a ready. Each value is handed
 * out once and then dropped; when none is ready the caller computes one itself, so encryption never
 * blocks and never reuses randomness. Thread-safe. {@link #close()} stops the workers and drops what
 * they computed; the pool refuses work afterwards.
 */
public final class ObfuscatorPool implements AutoCloseable {
  private final PaillierPublicKey key;
  private final SecureRandom random;
  private final BlockingQueue<Obfuscator> ready;
  private final List<Thread> workers = new ArrayList<>();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition added = lock.newCondition();
  private volatile boolean closed;
  private final Condition resumed = lock.newCondition();
  private boolean paused;

  private ObfuscatorPool(PaillierPublicKey key, int capacity, SecureRandom random) {
    this.key = key;
    this.random = random;
    this.ready = new ArrayBlockingQueue<>(capacity);
  }

  /**
   * Starts a pool for {@code key} with {@code threads} workers filling up to {@code capacity}
   * values (about 1 KB each at 2048 bits) from {@code random}.
   *
   * @throws IllegalArgumentException if capacity or threads is below 1
   */
  public static ObfuscatorPool start(PaillierPublicKey key, int capacity, int threads, SecureRandom random) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(random, "random");
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
    }
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    ObfuscatorPool pool = new ObfuscatorPool(key, capacity, random);
    for (int i = 0; i < threads; i++) {
      Thread worker = new Thread(pool::fill, "paillier-obfuscator-" + i);
      worker.setDaemon(true);
      pool.workers.add(worker);
    }
    pool.workers.forEach(Thread::start);
    return pool;
  }

  /** Returns the public key the pool encrypts under. */
  public PaillierPublicKey publicKey() {
    return key;
  }

  /** Returns how many precomputed values are ready now. */
  public int available() {
    return ready.size();
  }

  /**
   * Waits until at least {@code count} values are ready or {@code timeout} passes.
   *
   * @return whether {@code count} values were ready in time
   * @throws IllegalArgumentException if count exceeds the capacity
   * @throws IllegalStateException if the pool is closed
   */
  public boolean awaitAvailable(int count, Duration timeout) throws InterruptedException {
    if (count > ready.size() + ready.remainingCapacity()) {
      throw new IllegalArgumentException("count " + count + " exceeds the pool capacity");
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    lock.lock();
    try {
      while (ready.size() < count) {
        requireOpen();
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        added.awaitNanos(left);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Encrypts {@code plaintext}, an element of [0, n), with a precomputed value if one is ready.
   *
   * @throws IllegalArgumentException if the plaintext is outside [0, n)
   * @throws IllegalStateException if the pool is closed
   */
  public PaillierCiphertext encrypt(BigInteger plaintext) {
    key.requirePlaintext(plaintext);
    return key.encryptWith(plaintext, take());
  }

  /**
   * Encrypts each plaintext, with precomputed values while they last.
   *
   * @throws IllegalArgumentException naming the index of the first plaintext outside [0, n)
   * @throws IllegalStateException if the pool is closed
   */
  public PaillierCiphertext[] encryptAll(BigInteger[] plaintexts) {
    key.requirePlaintexts(plaintexts);
    PaillierCiphertext[] out = new PaillierCiphertext[plaintexts.length];
    for (int i = 0; i < plaintexts.length; i++) {
      out[i] = key.encryptWith(plaintexts[i], take());
    }
    return out;
  }

  /**
   * Returns a fresh encryption of the plaintext of {@code c}.
   *
   * @throws IllegalArgumentException if c is not in (0, n^2)
   * @throws IllegalStateException if the pool is closed
   */
  public PaillierCiphertext rerandomize(PaillierCiphertext c) {
    key.requireInRange(c);
    return key.rerandomizeWith(c, take());
  }

  /**
   * Stops computing new values until {@link #resume()}, so that the cores are free for the work
   * that spends them; encryption goes on with what is ready, then with fresh values.
   */
  public void pause() {
    lock.lock();
    try {
      paused = true;
    } finally {
      lock.unlock();
    }
  }

  /** Lets the workers fill the pool again after {@link #pause()}. */
  public void resume() {
    lock.lock();
    try {
      paused = false;
      resumed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Stops the workers and drops the precomputed values. */
  @Override
  public void close() {
    closed = true;
    workers.forEach(Thread::interrupt);
    ready.clear();
    lock.lock();
    try {
      added.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private Obfuscator take() {
    requireOpen();
    Obfuscator o = ready.poll();
    return o != null ? o : key.newObfuscator(random);
  }

  private void awaitNotPaused() throws InterruptedException {
    lock.lock();
    try {
      while (paused && !closed) {
        resumed.await();
      }
    } finally {
      lock.unlock();
    }
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("obfuscator pool is closed");
    }
  }

  private void fill() {
    try {
      key.precompute();
      while (!closed) {
        awaitNotPaused();
        ready.put(key.newObfuscator(random)); // blocks while full; close() interrupts
        lock.lock();
        try {
          added.signalAll();
        } finally {
          lock.unlock();
        }
      }
    } catch (InterruptedException e) {
      // close() stops the worker
    } finally {
      if (closed) {
        ready.clear();
      }
    }
  }
}
