package dev.tandem.vertical;

import java.util.List;

/**
 * When training stops: after {@code maxEpochs}, or earlier once the epoch loss has changed by less
 * than {@code tolerance} from one epoch to the next.
 *
 * @param maxEpochs at least 1
 * @param tolerance finite and non-negative; 0 always runs every epoch
 */
public record Convergence(int maxEpochs, double tolerance) {

  public Convergence {
    if (maxEpochs < 1) {
      throw new IllegalArgumentException("maxEpochs must be >= 1, got " + maxEpochs);
    }
    if (!(tolerance >= 0) || !Double.isFinite(tolerance)) {
      throw new IllegalArgumentException("tolerance must be finite and >= 0, got " + tolerance);
    }
  }

  /** Returns whether to stop after the epochs whose losses are {@code losses}, in order. */
  public boolean done(List<Double> losses) {
    int e = losses.size();
    if (e >= maxEpochs) {
      return true;
    }
    return e >= 2 && Math.abs(losses.get(e - 1) - losses.get(e - 2)) < tolerance;
  }

  /** Returns whether the losses stopped by the tolerance rather than the epoch limit. */
  public boolean converged(List<Double> losses) {
    int e = losses.size();
    return e >= 2 && Math.abs(losses.get(e - 1) - losses.get(e - 2)) < tolerance;
  }
}
