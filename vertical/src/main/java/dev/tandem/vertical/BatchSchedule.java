package dev.tandem.vertical;

import java.util.SplittableRandom;

/**
 * Which aligned rows form each mini-batch: every epoch is a fresh permutation of the rows, cut into
 * {@code max(1, rows / batchSize)} batches of {@code batchSize} rows, the last of which also takes
 * the remainder (so it holds {@code batchSize} to {@code 2 * batchSize - 1} rows). No batch is ever
 * shorter than {@code batchSize}, except the single batch of all rows when there are fewer rows
 * than that: a short batch would let a party solve for the values it was averaged over, so the
 * parties refuse fewer aligned rows than their batch floor. Every party derives the same
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

  /** Returns the number of batches in one epoch: {@code max(1, rows / batchSize)}. */
  public int batches() {
    return Math.max(1, rows / batchSize);
  }

  /** Returns the number of rows in batch {@code batch} of every epoch. */
  public int size(int batch) {
    int batches = batches();
    if (batch < 0 || batch >= batches) {
      throw new IllegalArgumentException("batch must be in [0, " + batches + "), got " + batch);
    }
    return batch < batches - 1 ? batchSize : rows - (batches - 1) * batchSize;
  }

  /**
   * Returns the rows of batch {@code batch} of epoch {@code epoch}: {@code batchSize} rows, or the
   * rest of the permutation for the last batch.
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
    int[] out = new int[size(batch)];
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
