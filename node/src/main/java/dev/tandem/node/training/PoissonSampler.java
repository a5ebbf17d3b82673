package dev.tandem.node.training;

import java.util.Objects;
import java.util.Random;

/**
 * Poisson sampling of a batch: each of {@code n} rows is in it independently with probability
 * {@code q}. Draws the gaps between chosen rows, which are geometric with parameter q, so a batch costs
 * about {@code q * n} random numbers instead of n. Not thread-safe.
 */
final class PoissonSampler {

  private final int n;
  private final double q;
  /** log(1 - q): a gap of at least k rows has probability (1 - q)^k. */
  private final double logMiss;
  private final Random random;

  /**
   * @throws IllegalArgumentException when n &lt; 1 or q is not in (0, 1]
   */
  PoissonSampler(int n, double q, Random random) {
    if (n < 1) {
      throw new IllegalArgumentException("n must be >= 1, got " + n);
    }
    if (!(q > 0 && q <= 1)) {
      throw new IllegalArgumentException("q must be in (0, 1], got " + q);
    }
    this.n = n;
    this.q = q;
    this.logMiss = Math.log1p(-q);
    this.random = Objects.requireNonNull(random, "random");
  }

  /**
   * Draws a batch into {@code into[0 .. count)} in increasing order.
   *
   * @return count, the batch size
   * @throws IllegalArgumentException when {@code into} is shorter than n
   */
  int sample(int[] into) {
    if (into.length < n) {
      throw new IllegalArgumentException("need room for " + n + " rows, got " + into.length);
    }
    if (q == 1) {
      for (int i = 0; i < n; i++) {
        into[i] = i;
      }
      return n;
    }
    int count = 0;
    long row = -1;
    while (true) {
      // floor(log(U) / log(1 - q)) for U uniform in (0, 1] is geometric: P(gap >= k) = (1 - q)^k
      double gap = Math.floor(Math.log1p(-random.nextDouble()) / logMiss);
      if (gap >= n - row - 1) {
        return count;
      }
      row += (long) gap + 1;
      into[count++] = (int) row;
    }
  }
}
