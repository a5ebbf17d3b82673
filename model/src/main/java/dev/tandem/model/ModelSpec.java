package dev.tandem.model;

import java.util.Objects;

/**
 * The model a job trains.
 *
 * <p>{@code hiddenUnits} is 0 for logistic regression and at least 1 for an MLP. {@code l2} is the
 * coefficient of the penalty {@code l2/2 * ||w||^2} on the weights (biases are not penalized).
 *
 * @throws IllegalArgumentException from the constructor when a value is out of range
 */
public record ModelSpec(ModelType type, int hiddenUnits, double l2) {

  public ModelSpec {
    Objects.requireNonNull(type, "type");
    if (type == ModelType.LOGISTIC_REGRESSION && hiddenUnits != 0) {
      throw new IllegalArgumentException("hiddenUnits must be 0 for logistic regression, got " + hiddenUnits);
    }
    if (type == ModelType.MLP && hiddenUnits < 1) {
      throw new IllegalArgumentException("hiddenUnits must be >= 1 for an MLP, got " + hiddenUnits);
    }
    if (!(l2 >= 0) || !Double.isFinite(l2)) {
      throw new IllegalArgumentException("l2 must be finite and >= 0, got " + l2);
    }
  }

  /** Logistic regression with the given L2 coefficient. */
  public static ModelSpec logisticRegression(double l2) {
    return new ModelSpec(ModelType.LOGISTIC_REGRESSION, 0, l2);
  }

  /** A one-hidden-layer MLP with {@code hidden} tanh units and the given L2 coefficient. */
  public static ModelSpec mlp(int hidden, double l2) {
    return new ModelSpec(ModelType.MLP, hidden, l2);
  }
}
