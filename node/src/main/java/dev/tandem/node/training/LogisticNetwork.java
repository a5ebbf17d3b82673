package dev.tandem.node.training;

/** Logistic regression, parameters {@code [w_0..w_{d-1}, b]}: exactly a weight per column of {@code [x, 1]}. */
final class LogisticNetwork extends Network {

  /** Residuals of the current block, read back for the per-example gradients. */
  private final double[] residuals;

  LogisticNetwork(int dimension, double[] params, double l2, int capacity) {
    super(dimension, dimension + 1, params, l2, capacity);
    this.residuals = new double[capacity];
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
    addWeightDecay();
  }

  /** In closed form: the gradient of row i is {@code (p_i - y_i) * [x_i, 1]}. */
  @Override
  void perExampleGradients(DesignMatrix data, int start, int count, double[][] out) {
    forward(data, start, count);
    residuals(data, start, count);
    z.get(0, residuals, 0, count);
    double[] rows = data.stagedFeatures();
    for (int i = 0; i < count; i++) {
      double r = residuals[i];
      double[] g = out[i];
      int base = (start + i) * columns;
      for (int k = 0; k < columns; k++) {
        g[k] = r * rows[base + k];
      }
    }
  }

  @Override
  void addWeightDecay() {
    if (l2 > 0) {
      Blas.axpy(dimension, l2, theta, 0, grad, 0);
    }
  }
}
