package dev.tandem.coordinator.rounds;

import java.util.List;

/** Federated averaging (McMahan et al. 2017): the mean of the sites' parameters weighted by sample count. */
public final class FedAvg {
  private FedAvg() {}

  /** One site's contribution. */
  public record Contribution(double[] parameters, long samples) {
    public Contribution {
      if (samples <= 0) {
        throw new IllegalArgumentException("samples must be positive, got " + samples);
      }
      parameters = parameters.clone();
    }

    @Override
    public double[] parameters() {
      return parameters.clone();
    }
  }

  /**
   * Returns sum_i n_i * w_i / sum_i n_i.
   *
   * @throws IllegalArgumentException if the list is empty or the lengths differ
   */
  public static double[] aggregate(List<Contribution> contributions) {
    if (contributions.isEmpty()) {
      throw new IllegalArgumentException("nothing to aggregate");
    }
    int d = contributions.get(0).parameters.length;
    double[] sum = new double[d];
    double total = 0;
    for (Contribution c : contributions) {
      if (c.parameters.length != d) {
        throw new IllegalArgumentException(
            "parameter vectors differ in length: " + d + " vs " + c.parameters.length);
      }
      double w = c.samples;
      for (int i = 0; i < d; i++) {
        sum[i] += w * c.parameters[i];
      }
      total += w;
    }
    for (int i = 0; i < d; i++) {
      sum[i] /= total;
    }
    return sum;
  }
}
