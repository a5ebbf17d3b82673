package dev.tandem.node.training;

import java.util.Objects;

/**
 * Encoded rows in native memory as {@code [x, 1]} (a trailing ones column carries the bias), with
 * labels; rows can be reloaded in a shuffled order, or a few chosen rows gathered into a smaller
 * staging matrix. A Java copy of the loaded rows is kept for per-example work. Not thread-safe.
 */
final class DesignMatrix implements AutoCloseable {

  private final double[][] x;
  private final double[] y;
  private final int rows;
  private final int dimension;
  private final NdBuffer features;
  private final NdBuffer labels;
  private final double[] staging;
  private final double[] labelStaging;

  /** The rows of {@code data} in their original order. */
  DesignMatrix(EncodedData data) {
    this(data, data.size());
    int[] identity = new int[rows];
    for (int i = 0; i < rows; i++) {
      identity[i] = i;
    }
    load(identity);
  }

  private DesignMatrix(EncodedData data, int rows) {
    Objects.requireNonNull(data, "data");
    this.x = data.xRef();
    this.y = data.yRef();
    if (x.length == 0) {
      throw new IllegalArgumentException("no rows");
    }
    if (rows < 1) {
      throw new IllegalArgumentException("rows must be >= 1, got " + rows);
    }
    this.rows = rows;
    this.dimension = x[0].length;
    this.features = NdBuffer.zeros(rows, dimension + 1L);
    this.labels = NdBuffer.zeros(rows);
    this.staging = new double[Math.multiplyExact(rows, dimension + 1)];
    this.labelStaging = new double[rows];
  }

  /** A zero-filled matrix of {@code capacity} rows into which rows of {@code data} are {@link #gather}ed. */
  static DesignMatrix staging(EncodedData data, int capacity) {
    return new DesignMatrix(data, capacity);
  }

  /** Reloads the rows so that row {@code i} of the matrix is row {@code order[i]} of the data. */
  void load(int[] order) {
    if (order.length != rows) {
      throw new IllegalArgumentException("order has " + order.length + " entries for " + rows + " rows");
    }
    stage(order, 0, rows);
  }

  /**
   * Loads data rows {@code indices[from .. from+count)} into matrix rows {@code [0, count)}; the rows
   * past {@code count} keep stale values.
   */
  void gather(int[] indices, int from, int count) {
    Objects.checkFromIndexSize(from, count, indices.length);
    if (count > rows) {
      throw new IllegalArgumentException(count + " rows do not fit a matrix of " + rows);
    }
    stage(indices, from, count);
  }

  private void stage(int[] indices, int from, int count) {
    int cols = dimension + 1;
    for (int i = 0; i < count; i++) {
      int src = indices[from + i];
      System.arraycopy(x[src], 0, staging, i * cols, dimension);
      staging[i * cols + dimension] = 1;
      labelStaging[i] = y[src];
    }
    features.put(0, staging, 0, count * cols);
    labels.put(0, labelStaging, 0, count);
  }

  int rows() {
    return rows;
  }

  /** The input width without the ones column. */
  int dimension() {
    return dimension;
  }

  /** The row stride: dimension + 1. */
  int columns() {
    return dimension + 1;
  }

  NdBuffer features() {
    return features;
  }

  NdBuffer labels() {
    return labels;
  }

  /** The Java copy of {@link #features()} (row-major, stride {@link #columns()}), not to be modified. */
  double[] stagedFeatures() {
    return staging;
  }

  @Override
  public void close() {
    features.close();
    labels.close();
  }
}
