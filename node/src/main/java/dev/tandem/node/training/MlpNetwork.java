package dev.tandem.node.training;

import org.nd4j.linalg.api.ops.impl.transforms.strict.Tanh;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One tanh hidden layer and a sigmoid output. Parameters {@code [W1 (d x h), b1 (h), w2 (h), b2]}:
 * {@code W1} followed by {@code b1} is the {@code (d+1) x h} matrix that multiplies {@code [x, 1]}.
 */
final class MlpNetwork extends Network {

  private final int hidden;
  private final long w2;
  private final long b2;
  private final NdBuffer preActivation;
  private final NdBuffer activation;
  private final NdBuffer outer;
  private final NdBuffer slope;
  private final NdBuffer delta;
  /** All ones: the bias column of the output layer and the 1 of {@code 1 - H o H}. */
  private final NdBuffer onesBlock;
  private final Tanh tanh;
  /** Java copies of the block's residuals, activations and hidden deltas, made on first per-example use. */
  private double[] residualRows;
  private double[] activationRows;
  private double[] deltaRows;

  MlpNetwork(int dimension, int hidden, double[] params, double l2, int capacity) {
    super(dimension, (dimension + 1) * hidden + hidden + 1, params, l2, capacity);
    this.hidden = hidden;
    this.w2 = (long) columns * hidden;
    this.b2 = w2 + hidden;
    this.onesBlock = NdBuffer.ones(capacity, hidden);
    this.preActivation = NdBuffer.zeros(capacity, hidden);
    this.activation = NdBuffer.zeros(capacity, hidden);
    this.outer = NdBuffer.zeros(capacity, hidden);
    this.slope = NdBuffer.zeros(capacity, hidden);
    this.delta = NdBuffer.zeros(capacity, hidden);
    this.tanh = new Tanh(preActivation.array(), activation.array());
  }

  @Override
  void logits(DesignMatrix data, int start, int count) {
    checkBlock(data, start, count);
    // A = [x, 1] * [W1; b1]
    Blas.gemm(false, false, count, hidden, columns, 1.0, data.features(), (long) start * columns, columns,
        theta, 0, hidden, 0.0, preActivation, 0, hidden);
    Nd4j.getExecutioner().exec(tanh);
    // z = H * w2 + b2
    Blas.gemv(false, count, hidden, 1.0, activation, 0, hidden, theta, w2, 0.0, z, 0);
    Blas.axpy(count, theta.get(b2), onesBlock, 0, z, 0);
  }

  @Override
  void gradient(DesignMatrix data, int start, int count) {
    backward(data, start, count);
    double scale = 1.0 / count;
    Blas.gemv(true, count, hidden, scale, activation, 0, hidden, z, 0, 0.0, grad, w2);
    grad.set(b2, scale * Blas.dot(count, z, 0, onesBlock, 0));
    // [dW1; db1] = [x, 1]^T * dL/dA / count
    Blas.gemm(true, false, columns, hidden, count, scale, data.features(), (long) start * columns, columns,
        delta, 0, hidden, 0.0, grad, 0, hidden);
    addWeightDecay();
  }

  /**
   * Per-example backprop: the block's residuals r, activations H and hidden deltas dL/dA come from the
   * same batched matrix products as {@link #gradient}; row i's gradient is then
   * {@code [[x_i, 1] (outer) dL/dA_i, r_i * H_i, r_i]}.
   */
  @Override
  void perExampleGradients(DesignMatrix data, int start, int count, double[][] out) {
    backward(data, start, count);
    if (residualRows == null) {
      residualRows = new double[capacity];
      activationRows = new double[capacity * hidden];
      deltaRows = new double[capacity * hidden];
    }
    int cells = count * hidden;
    z.get(0, residualRows, 0, count);
    activation.get(0, activationRows, 0, cells);
    delta.get(0, deltaRows, 0, cells);
    double[] rows = data.stagedFeatures();
    int outW2 = Math.toIntExact(w2);
    int outB2 = Math.toIntExact(b2);
    for (int i = 0; i < count; i++) {
      double[] g = out[i];
      int x = (start + i) * columns;
      int h = i * hidden;
      for (int j = 0; j < columns; j++) {
        double xj = rows[x + j];
        int o = j * hidden;
        for (int k = 0; k < hidden; k++) {
          g[o + k] = xj * deltaRows[h + k];
        }
      }
      double r = residualRows[i];
      for (int k = 0; k < hidden; k++) {
        g[outW2 + k] = r * activationRows[h + k];
      }
      g[outB2] = r;
    }
  }

  /** Leaves residuals in {@code z} and dL/dA (per row, unscaled) in {@code delta}. */
  private void backward(DesignMatrix data, int start, int count) {
    forward(data, start, count);
    residuals(data, start, count);
    // dL/dH = r * w2^T, then through tanh: dL/dA = dL/dH o (1 - H o H)
    Blas.gemm(false, false, count, hidden, 1, 1.0, z, 0, 1, theta, w2, hidden, 0.0, outer, 0, hidden);
    int cells = count * hidden;
    Blas.copy(cells, onesBlock, 0, slope, 0);
    Blas.hadamard(cells, -1.0, activation, 0, activation, 0, 1.0, slope, 0);
    Blas.hadamard(cells, 1.0, outer, 0, slope, 0, 0.0, delta, 0);
  }

  @Override
  void addWeightDecay() {
    if (l2 > 0) {
      Blas.axpy(dimension * hidden, l2, theta, 0, grad, 0);
      Blas.axpy(hidden, l2, theta, w2, grad, w2);
    }
  }

  @Override
  public void close() {
    super.close();
    preActivation.close();
    activation.close();
    outer.close();
    slope.close();
    delta.close();
    onesBlock.close();
  }
}
