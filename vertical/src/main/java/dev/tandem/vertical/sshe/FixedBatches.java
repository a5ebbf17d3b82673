package dev.tandem.vertical.sshe;

import java.util.SplittableRandom;

/**
 * The job's mini-batches: the aligned rows are shuffled once with the job's seed and cut into
 * {@code max(1, rows / batchSize)} batches, the last taking the remainder, so no batch is shorter
 * than {@code batchSize} (all rows form one batch when there are fewer). The batches stay the same
 * for the whole job (each party encrypts its features once, packed along them); every epoch visits
 * them in a fresh order. Every party derives the same schedule from the seed.
 */
public final class FixedBatches {
  private final int[][] batches;
  private final long seed;

  /**
   * @throws IllegalArgumentException if rows or batchSize is below 1
   */
  public FixedBatches(int rows, int batchSize, long seed) {
    if (rows < 1 || batchSize < 1) {
      throw new IllegalArgumentException("rows and batchSize must be >= 1, got " + rows + ", " + batchSize);
    }
    this.seed = seed;
    int[] order = shuffled(rows, new SplittableRandom(seed));
    int count = Math.max(1, rows / batchSize);
    batches = new int[count][];
    for (int b = 0; b < count; b++) {
      int from = b * batchSize;
      int to = b == count - 1 ? rows : from + batchSize;
      batches[b] = java.util.Arrays.copyOfRange(order, from, to);
    }
  }

  /** Returns the number of batches. */
  public int count() {
    return batches.length;
  }

  /** Returns the largest batch's row count. */
  public int maxRows() {
    int max = 0;
    for (int[] b : batches) {
      max = Math.max(max, b.length);
    }
    return max;
  }

  /** Returns the rows of batch {@code b}. */
  public int[] rows(int b) {
    return batches[b].clone();
  }

  /** Returns the batch visited at step {@code step} of epoch {@code epoch} (both from 0). */
  public int batchAt(int epoch, int step) {
    if (epoch < 0 || step < 0 || step >= batches.length) {
      throw new IllegalArgumentException("no step " + step + " in epoch " + epoch);
    }
    return shuffled(batches.length, new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch + 1))[step];
  }

  /** Returns batch {@code b} cut into consecutive groups of at most {@code groupSize} rows. */
  public int[][] groups(int b, int groupSize) {
    int[] rows = batches[b];
    int count = (rows.length + groupSize - 1) / groupSize;
    int[][] out = new int[count][];
    for (int g = 0; g < count; g++) {
      out[g] = java.util.Arrays.copyOfRange(rows, g * groupSize, Math.min(rows.length, (g + 1) * groupSize));
    }
    return out;
  }

  private static int[] shuffled(int n, SplittableRandom random) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }
}
