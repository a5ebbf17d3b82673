package dev.tandem.model.vertical;

/**
 * How a vertical job trains its logistic regression: mini-batch gradient descent over the parties'
 * intersection, with L2 regularization and early stopping.
 *
 * <p>{@code epochs} is the most passes over the intersection; training stops earlier when the epoch
 * loss changes by less than {@code tolerance} (0: never stops early).
 *
 * @throws IllegalArgumentException from the constructor when a value is out of range
 */
public record VerticalTraining(int epochs, int batchSize, double learningRate, double l2, double tolerance) {

  private static final VerticalTraining DEFAULTS = new VerticalTraining(10, 1024, 0.15, 0.01, 1e-4);

  public VerticalTraining {
    if (epochs < 1) {
      throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
    }
    if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
      throw new IllegalArgumentException("learningRate must be finite and > 0, got " + learningRate);
    }
    if (!(l2 >= 0) || !Double.isFinite(l2)) {
      throw new IllegalArgumentException("l2 must be finite and >= 0, got " + l2);
    }
    if (!(tolerance >= 0) || !Double.isFinite(tolerance)) {
      throw new IllegalArgumentException("tolerance must be finite and >= 0, got " + tolerance);
    }
  }

  /** 10 epochs, batches of 1024, learning rate 0.15, l2 0.01, tolerance 1e-4. */
  public static VerticalTraining defaults() {
    return DEFAULTS;
  }
}
