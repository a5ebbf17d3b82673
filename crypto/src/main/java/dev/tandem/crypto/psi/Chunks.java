package dev.tandem.crypto.psi;

import java.util.stream.IntStream;

/** Runs work over [0, n) in fixed-size chunks on all cores (a parallel stream of chunk indices). */
final class Chunks {
  /** Elements per chunk: large enough to share one inversion, small enough to balance two cores. */
  static final int SIZE = 128;

  /** The work for one chunk [from, to). */
  @FunctionalInterface
  interface Body {
    void run(int from, int to);
  }

  private Chunks() {}

  static void forEach(int n, Body body) {
    int chunks = (n + SIZE - 1) / SIZE;
    IntStream.range(0, chunks).parallel().forEach(c -> body.run(c * SIZE, Math.min(n, (c + 1) * SIZE)));
  }
}
