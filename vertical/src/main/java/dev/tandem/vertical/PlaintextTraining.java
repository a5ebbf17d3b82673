package dev.tandem.vertical;

import java.util.ArrayList;
import java.util.List;

/**
 * The same training as {@link LocalTraining} in plain doubles: the same batches, the same Taylor
 * residual D = z + 2 - 4 y, the same step, the same loss. Without encryption it protects nothing;
 * it is the baseline the encrypted protocol is measured against, and what it must reproduce up to
 * fixed-point rounding.
 */
public final class PlaintextTraining {
  private PlaintextTraining() {}

  /** Trains on the joined rows: guest columns (without intercept) then each host's columns. */
  public static LocalTraining.Result run(HeteroLrConfig config, Convergence convergence, double[][] guest,
      boolean[] labels, List<double[][]> hosts) {
    int n = guest.length;
    List<double[][]> blocks = new ArrayList<>();
    blocks.add(guest);
    blocks.addAll(hosts);
    double[][] w = new double[blocks.size()][];
    for (int p = 0; p < w.length; p++) {
      w[p] = new double[blocks.get(p)[0].length];
    }
    double b = 0;
    BatchSchedule schedule = new BatchSchedule(n, config.batchSize(), config.seed());
    List<Double> losses = new ArrayList<>();
    List<Double> seconds = new ArrayList<>();
    for (int epoch = 0; !convergence.done(losses); epoch++) {
      long start = System.nanoTime();
      double loss = 0;
      for (int batch = 0; batch < schedule.batches(); batch++) {
        int[] rows = schedule.rows(epoch, batch);
        double[] d = new double[rows.length];
        for (int r = 0; r < rows.length; r++) {
          double z = b;
          for (int p = 0; p < w.length; p++) {
            double[] x = blocks.get(p)[rows[r]];
            for (int j = 0; j < x.length; j++) {
              z += x[j] * w[p][j];
            }
          }
          boolean y = labels[rows[r]];
          d[r] = z + 2 - (y ? 4 : 0);
          loss += Math.log(2) + ((y ? -0.5 : 0.5) * z) + z * z / 8;
        }
        double scale = 1.0 / (4.0 * rows.length);
        for (int p = 0; p < w.length; p++) {
          double[] grad = new double[w[p].length];
          for (int r = 0; r < rows.length; r++) {
            double[] x = blocks.get(p)[rows[r]];
            for (int j = 0; j < x.length; j++) {
              grad[j] += x[j] * d[r];
            }
          }
          for (int j = 0; j < grad.length; j++) {
            w[p][j] -= config.learningRate() * (grad[j] * scale + config.l2() * w[p][j]);
          }
        }
        double gb = 0;
        for (double v : d) {
          gb += v;
        }
        b -= config.learningRate() * gb * scale;
      }
      losses.add(loss / n);
      seconds.add((System.nanoTime() - start) / 1e9);
    }
    return new LocalTraining.Result(losses, convergence.converged(losses), w[0], b,
        new ArrayList<>(List.of(w).subList(1, w.length)), seconds, 0);
  }
}
