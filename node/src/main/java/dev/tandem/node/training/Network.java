package dev.tandem.node.training;

import dev.tandem.model.ModelSpec;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Sigmoid;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A model's parameters in native memory with its forward pass, the gradient of the mini-batch
 * objective {@code mean log loss + l2/2 * ||weights||^2} (biases unpenalized) and the per-example
 * gradients of the log loss that DP-SGD clips. Works on blocks of up to {@code capacity} consecutive
 * rows of a {@link DesignMatrix}. Not thread-safe.
 */
abstract class Network implements AutoCloseable {

  final int dimension;
  final int columns;
  final int capacity;
  final double l2;
  final NdBuffer theta;
  final NdBuffer grad;
  /** Scores of the current block: logits, then probabilities, then residuals. */
  final NdBuffer z;
  private final Sigmoid sigmoid;

  Network(int dimension, int parameterCount, double[] params, double l2, int capacity) {
    if (params.length != parameterCount) {
      throw new IllegalArgumentException("expected " + parameterCount + " parameters, got " + params.length);
    }
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
    }
    this.dimension = dimension;
    this.columns = dimension + 1;
    this.capacity = capacity;
    this.l2 = l2;
    this.theta = NdBuffer.zeros(parameterCount);
    this.theta.put(0, params, 0, params.length);
    this.grad = NdBuffer.zeros(parameterCount);
    this.z = NdBuffer.zeros(capacity);
    this.sigmoid = new Sigmoid(z.array(), z.array());
  }

  /**
   * The network of {@code spec} over {@code dimension} inputs, starting from {@code params}.
   *
   * @throws IllegalArgumentException when params has the wrong length
   */
  static Network create(ModelSpec spec, int dimension, double[] params, int capacity) {
    return switch (spec.type()) {
      case LOGISTIC_REGRESSION -> new LogisticNetwork(dimension, params, spec.l2(), capacity);
      case MLP -> new MlpNetwork(dimension, spec.hiddenUnits(), params, spec.l2(), capacity);
    };
  }

  /** Leaves in {@code z[0..count)} the probabilities of rows {@code [start, start+count)}. */
  final void forward(DesignMatrix data, int start, int count) {
    logits(data, start, count);
    applySigmoid();
  }

  /** Leaves in {@code z[0..count)} the logits of rows {@code [start, start+count)}. */
  abstract void logits(DesignMatrix data, int start, int count);

  /** Fills {@code grad} with the objective's gradient over rows {@code [start, start+count)}. */
  abstract void gradient(DesignMatrix data, int start, int count);

  /**
   * Fills {@code out[i]} (each of length {@link #parameterCount()}) with the gradient of the log loss
   * alone (no L2 term) of row {@code start + i}, for {@code i < count}.
   */
  abstract void perExampleGradients(DesignMatrix data, int start, int count, double[][] out);

  /** Adds the gradient of the L2 term, {@code l2 * weights} (biases unpenalized), to {@code grad}. */
  abstract void addWeightDecay();

  private void applySigmoid() {
    Nd4j.getExecutioner().exec(sigmoid);
  }

  /** Replaces {@code z[0..count)} (probabilities) by residuals {@code p - y}. */
  final void residuals(DesignMatrix data, int start, int count) {
    Blas.axpy(count, -1.0, data.labels(), start, z, 0);
  }

  /** One SGD step on rows {@code [start, start+count)}. */
  final void step(DesignMatrix data, int start, int count, double learningRate) {
    gradient(data, start, count);
    Blas.axpy(Math.toIntExact(theta.length()), -learningRate, grad, 0, theta, 0);
  }

  /**
   * One DP-SGD step: {@code theta -= learningRate * (noisySum / expectedBatch + l2 * weights)}, where
   * {@code noisySum} is the sum of the clipped per-example gradients plus the Gaussian noise.
   */
  final void privateStep(double[] noisySum, double expectedBatch, double learningRate) {
    int p = Math.toIntExact(theta.length());
    if (noisySum.length != p) {
      throw new IllegalArgumentException("expected " + p + " gradient values, got " + noisySum.length);
    }
    grad.put(0, noisySum, 0, p);
    Blas.scal(p, 1.0 / expectedBatch, grad, 0);
    addWeightDecay();
    Blas.axpy(p, -learningRate, grad, 0, theta, 0);
  }

  /** The probability of every row of {@code data}, in matrix order. */
  final double[] predictAll(DesignMatrix data) {
    double[] out = new double[data.rows()];
    for (int start = 0; start < data.rows(); start += capacity) {
      int count = Math.min(capacity, data.rows() - start);
      forward(data, start, count);
      z.get(0, out, start, count);
    }
    return out;
  }

  final void checkBlock(DesignMatrix data, int start, int count) {
    if (data.dimension() != dimension) {
      throw new IllegalArgumentException("data has " + data.dimension() + " columns, the model " + dimension);
    }
    if (count < 1 || count > capacity || start < 0 || start > data.rows() - count) {
      throw new IllegalArgumentException("block [" + start + ", +" + count + ") does not fit");
    }
  }

  int parameterCount() {
    return Math.toIntExact(theta.length());
  }

  double[] parameters() {
    return theta.toArray();
  }

  double[] gradientValues() {
    return grad.toArray();
  }

  @Override
  public void close() {
    theta.close();
    grad.close();
    z.close();
  }
}
