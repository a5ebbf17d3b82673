package dev.tandem.vertical;

import java.util.SplittableRandom;

/**
 * Which aligned rows form each mini-batch: every epoch is a fresh permutation of the rows, cut into
 * batches of {@code batchSize} (the last one may be shorter). Every party derives the same
 * permutation from the shared seed, so batches line up without any message.
 *
 * @param rows number of aligned rows, at least 1
 * @param batchSize rows per batch, at least 1
 * @param seed the job's seed
 */
public record BatchSchedule(int rows, int batchSize, long seed) {

  public BatchSchedule {
    if (rows < 1) {
      throw new IllegalArgumentException("rows must be >= 1, got " + rows);
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
    }
  }

  /** Returns the number of batches in one epoch. */
  public int batches() {
    return (rows + batchSize - 1) / batchSize;
  }

  /**
   * Returns the rows of batch {@code batch} of epoch {@code epoch}.
   *
   * @throws IllegalArgumentException if epoch is negative or batch is outside [0, batches())
   */
  public int[] rows(int epoch, int batch) {
    if (epoch < 0) {
      throw new IllegalArgumentException("epoch must be >= 0, got " + epoch);
    }
    if (batch < 0 || batch >= batches()) {
      throw new IllegalArgumentException("batch must be in [0, " + batches() + "), got " + batch);
    }
    int[] order = permutation(epoch);
    int from = batch * batchSize;
    int to = Math.min(rows, from + batchSize);
    int[] out = new int[to - from];
    System.arraycopy(order, from, out, 0, out.length);
    return out;
  }

  private int[] permutation(int epoch) {
    int[] order = new int[rows];
    for (int i = 0; i < rows; i++) {
      order[i] = i;
    }
    SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch);
    for (int i = rows - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }
}
