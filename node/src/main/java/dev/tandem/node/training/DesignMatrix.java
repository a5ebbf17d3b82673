package dev.tandem.node.training;

import java.util.Objects;

/**
 * Encoded rows in native memory as {@code [x, 1]} (a trailing ones column carries the bias), with
 * labels; rows can be reloaded in a shuffled order. Not thread-safe.
 */
final class DesignMatrix implements AutoCloseable {

    private final double[][] x;
    private final double[] y;
    private final int rows;
    private final int dimension;
    private final NdBuffer features;
    private final NdBuffer labels;
    private final double[] staging;

    /** The rows of {@code data} in their original order. */
    DesignMatrix(EncodedData data) {
        Objects.requireNonNull(data, "data");
        this.x = data.xRef();
        this.y = data.yRef();
        this.rows = x.length;
        if (rows == 0) {
            throw new IllegalArgumentException("no rows");
        }
        this.dimension = x[0].length;
        this.features = NdBuffer.zeros(rows, dimension + 1L);
        this.labels = NdBuffer.zeros(rows);
        this.staging = new double[Math.multiplyExact(rows, dimension + 1)];
        int[] identity = new int[rows];
        for (int i = 0; i < rows; i++) {
            identity[i] = i;
        }
        load(identity);
    }

    /** Reloads the rows so that row {@code i} of the matrix is row {@code order[i]} of the data. */
    void load(int[] order) {
        if (order.length != rows) {
            throw new IllegalArgumentException("order has " + order.length + " entries for " + rows + " rows");
        }
        int cols = dimension + 1;
        double[] labelStaging = new double[rows];
        for (int i = 0; i < rows; i++) {
            int src = order[i];
            System.arraycopy(x[src], 0, staging, i * cols, dimension);
            staging[i * cols + dimension] = 1;
            labelStaging[i] = y[src];
        }
        features.put(0, staging, 0, staging.length);
        labels.put(0, labelStaging, 0, rows);
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

    @Override
    public void close() {
        features.close();
        labels.close();
    }
}
