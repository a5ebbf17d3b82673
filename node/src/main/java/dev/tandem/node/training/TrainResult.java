package dev.tandem.node.training;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of local training: the new parameters, how many rows they were trained on (the FedAvg
 * weight), the mean log loss of the new parameters on those rows (without the L2 term), and, when the
 * job trains with differential privacy, what this call spent ({@code dp}, null otherwise). The array is
 * copied in and out.
 *
 * <p>Only the parameters are covered by the DP guarantee: {@code sampleCount} and {@code meanLoss} are
 * exact figures of the site's data.
 *
 * @throws IllegalArgumentException from the constructor when a parameter is not finite, the count is
 *     negative or the loss is negative or not finite
 */
public record TrainResult(double[] parameters, int sampleCount, double meanLoss, DpSteps dp) {

  public TrainResult {
    Objects.requireNonNull(parameters, "parameters");
    parameters = parameters.clone();
    for (int i = 0; i < parameters.length; i++) {
      if (!Double.isFinite(parameters[i])) {
        throw new IllegalArgumentException("parameter " + i + " is not finite");
      }
    }
    if (sampleCount < 0) {
      throw new IllegalArgumentException("sampleCount must be >= 0, got " + sampleCount);
    }
    if (!(meanLoss >= 0) || !Double.isFinite(meanLoss)) {
      throw new IllegalArgumentException("meanLoss must be finite and >= 0, got " + meanLoss);
    }
  }

  /** The result of training without differential privacy. */
  public TrainResult(double[] parameters, int sampleCount, double meanLoss) {
    this(parameters, sampleCount, meanLoss, null);
  }

  @Override
  public double[] parameters() {
    return parameters.clone();
  }

  /** What this call spent; empty without differential privacy. */
  public Optional<DpSteps> differentialPrivacy() {
    return Optional.ofNullable(dp);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TrainResult t && Arrays.equals(parameters, t.parameters)
        && sampleCount == t.sampleCount && Double.compare(meanLoss, t.meanLoss) == 0
        && Objects.equals(dp, t.dp);
  }

  @Override
  public int hashCode() {
    return Objects.hash(Arrays.hashCode(parameters), sampleCount, meanLoss, dp);
  }

  @Override
  public String toString() {
    return "TrainResult[parameters=" + parameters.length + ", sampleCount=" + sampleCount + ", meanLoss="
        + meanLoss + ", dp=" + dp + "]";
  }
}
