package dev.tandem.model;

import java.util.Objects;

/**
 * A model's parameter layout and its forward pass in plain Java, used for initialization, scoring and export.
 *
 * <p>Logistic regression: {@code [w_0..w_{d-1}, b]}. MLP with {@code h} tanh hidden units and a
 * sigmoid output: {@code [W1 (d x h, row-major), b1 (h), w2 (h), b2]}. Implementations are
 * immutable and thread-safe.
 */
public interface ModelArchitecture {

  /** The width of the input vector. */
  int inputDimension();

  /** The length of the parameter vector. */
  int parameterCount();

  /**
   * The starting parameters: zeros for logistic regression; for an MLP, Xavier-uniform weights drawn
   * from a generator seeded with {@code seed} (same seed, same vector) and zero biases.
   */
  double[] initialParameters(long seed);

  /**
   * The probability of the positive class for input {@code x}.
   *
   * @throws IllegalArgumentException when a vector has the wrong length
   */
  double predict(double[] params, double[] x);

  /**
   * The architecture of {@code spec} over inputs of {@code inputDimension} columns.
   *
   * @throws IllegalArgumentException when inputDimension &lt; 1
   */
  static ModelArchitecture of(ModelSpec spec, int inputDimension) {
    Objects.requireNonNull(spec, "spec");
    if (inputDimension < 1) {
      throw new IllegalArgumentException("inputDimension must be >= 1, got " + inputDimension);
    }
    return switch (spec.type()) {
      case LOGISTIC_REGRESSION -> new LogisticArchitecture(inputDimension);
      case MLP -> new MlpArchitecture(inputDimension, spec.hiddenUnits());
    };
  }

  /** The logistic function, computed without overflow. */
  static double sigmoid(double z) {
    if (z >= 0) {
      return 1 / (1 + Math.exp(-z));
    }
    double e = Math.exp(z);
    return e / (1 + e);
  }
}
