package dev.tandem.vertical.sshe;

import java.util.ArrayList;
import java.util.List;

/**
 * The plaintext computation that the secret-shared protocol carries out: the same fixed batches,
 * the first-order Taylor residual d = z / 4 + 1/2 - y, and w = w (1 - lr l2) - lr / B X^T d (no
 * decay on the intercept), on features clipped like the encoded ones. The baseline for tests and
 * benchmarks.
 */
public final class SshePlaintext {
  private SshePlaintext() {}

  /** Returns each party's weights after {@code epochs} epochs, guest first (intercept last). */
  public static List<double[]> train(SsheConfig config, int epochs, double[][] guest, boolean[] labels,
      List<double[][]> hosts) {
    return run(config, epochs, guest, labels, hosts, new ArrayList<>(), e -> new int[0]);
  }

  /** As {@link #train}, with the rows {@code droppedAt.apply(e)} left out from epoch e on. */
  public static List<double[]> train(SsheConfig config, int epochs, double[][] guest, boolean[] labels,
      List<double[][]> hosts, java.util.function.IntFunction<int[]> droppedAt) {
    return run(config, epochs, guest, labels, hosts, new ArrayList<>(), droppedAt);
  }

  /** Returns each epoch's Taylor loss, averaged over the rows at the weights each step used. */
  public static List<Double> losses(SsheConfig config, int epochs, double[][] guest, boolean[] labels,
      List<double[][]> hosts) {
    List<Double> losses = new ArrayList<>();
    run(config, epochs, guest, labels, hosts, losses, e -> new int[0]);
    return losses;
  }

  private static List<double[]> run(SsheConfig config, int epochs, double[][] guest, boolean[] labels,
      List<double[][]> hosts, List<Double> losses, java.util.function.IntFunction<int[]> droppedAt) {
    boolean[] dropped = new boolean[guest.length];
    int n = guest.length;
    List<double[][]> tables = new ArrayList<>();
    double[][] g = new double[n][];
    for (int i = 0; i < n; i++) {
      g[i] = java.util.Arrays.copyOf(guest[i], guest[i].length + 1);
      g[i][guest[i].length] = 1.0;
    }
    tables.add(g);
    tables.addAll(hosts);
    List<double[]> w = new ArrayList<>();
    for (double[][] t : tables) {
      w.add(new double[t[0].length]);
    }
    FixedBatches batches = new FixedBatches(n, config.batchSize(), config.seed());
    for (int e = 0; e < epochs; e++) {
      double loss = 0;
      for (int r : droppedAt.apply(e)) {
        dropped[r] = true;
      }
      int active = 0;
      for (boolean d : dropped) {
        active += d ? 0 : 1;
      }
      for (int s = 0; s < batches.count(); s++) {
        int[] rows = java.util.Arrays.stream(batches.rows(batches.batchAt(e, s))).filter(r -> !dropped[r]).toArray();
        double[] d = new double[rows.length];
        for (int t = 0; t < rows.length; t++) {
          double z = 0;
          for (int p = 0; p < tables.size(); p++) {
            double[] row = tables.get(p)[rows[t]];
            for (int j = 0; j < row.length; j++) {
              z += clip(row[j]) * w.get(p)[j];
            }
          }
          double y = labels[rows[t]] ? 1 : 0;
          d[t] = z / 4 + 0.5 - y;
          loss += Math.log(2) - (y - 0.5) * z + z * z / 8;
        }
        for (int p = 0; p < tables.size(); p++) {
          double[] wp = w.get(p);
          for (int j = 0; j < wp.length; j++) {
            double grad = 0;
            for (int t = 0; t < rows.length; t++) {
              grad += clip(tables.get(p)[rows[t]][j]) * d[t];
            }
            boolean intercept = p == 0 && j == wp.length - 1;
            wp[j] = wp[j] * (intercept ? 1 : 1 - config.learningRate() * config.l2())
                - config.learningRate() / rows.length * grad;
          }
        }
      }
      losses.add(loss / active);
    }
    return w;
  }

  private static double clip(double x) {
    return SsheConfig.encodeFeature(x) / (double) (1 << SsheConfig.FEATURE_BITS);
  }
}
