package dev.tandem.node.training;

/** Logistic regression, parameters {@code [w_0..w_{d-1}, b]}: exactly a weight per column of {@code [x, 1]}. */
final class LogisticNetwork extends Network {

    LogisticNetwork(int dimension, double[] params, double l2, int capacity) {
        super(dimension, dimension + 1, params, l2, capacity);
    }

    @Override
    void logits(DesignMatrix data, int start, int count) {
        checkBlock(data, start, count);
        Blas.gemv(false, count, columns, 1.0, data.features(), (long) start * columns, columns,
                theta, 0, 0.0, z, 0);
    }

    @Override
    void gradient(DesignMatrix data, int start, int count) {
        forward(data, start, count);
        residuals(data, start, count);
        Blas.gemv(true, count, columns, 1.0 / count, data.features(), (long) start * columns, columns,
                z, 0, 0.0, grad, 0);
        if (l2 > 0) {
            Blas.axpy(dimension, l2, theta, 0, grad, 0);
        }
    }
}
