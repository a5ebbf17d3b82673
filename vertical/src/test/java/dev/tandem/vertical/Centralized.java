package dev.tandem.vertical;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/** Centralized logistic regression (Newton's method, exact loss) and the AUC, for the baselines. */
final class Centralized {
  private Centralized() {}

  /** Weights (last: intercept) minimizing the mean log loss + l2/2 |w|^2 by Newton's method. */
  static double[] fit(double[][] x, boolean[] y, double l2) {
    int n = x.length;
    int d = x[0].length + 1;
    double[] w = new double[d];
    for (int iteration = 0; iteration < 50; iteration++) {
      double[] grad = new double[d];
      double[][] hess = new double[d][d];
      for (int i = 0; i < n; i++) {
        double[] xi = Arrays.copyOf(x[i], d);
        xi[d - 1] = 1;
        double z = 0;
        for (int j = 0; j < d; j++) {
          z += xi[j] * w[j];
        }
        double p = 1 / (1 + Math.exp(-z));
        double r = p - (y[i] ? 1 : 0);
        double s = p * (1 - p);
        for (int j = 0; j < d; j++) {
          grad[j] += r * xi[j] / n;
          for (int k = 0; k <= j; k++) {
            hess[j][k] += s * xi[j] * xi[k] / n;
          }
        }
      }
      for (int j = 0; j < d; j++) {
        for (int k = 0; k < j; k++) {
          hess[k][j] = hess[j][k];
        }
        if (j < d - 1) {
          grad[j] += l2 * w[j];
          hess[j][j] += l2;
        }
        hess[j][j] += 1e-9;
      }
      double[] step = solve(hess, grad);
      double size = 0;
      for (int j = 0; j < d; j++) {
        w[j] -= step[j];
        size = Math.max(size, Math.abs(step[j]));
      }
      if (size < 1e-8) {
        break;
      }
    }
    return w;
  }

  static double[] scores(double[][] x, double[] w) {
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      double z = w[w.length - 1];
      for (int j = 0; j < x[i].length; j++) {
        z += x[i][j] * w[j];
      }
      out[i] = z;
    }
    return out;
  }

  /** The AUC of scores against labels, ties counted half (Mann-Whitney). */
  static double auc(double[] scores, boolean[] y) {
    Integer[] order = IntStream.range(0, scores.length).boxed().toArray(Integer[]::new);
    Arrays.sort(order, Comparator.comparingDouble(i -> scores[i]));
    double rankSum = 0;
    long positives = 0;
    int i = 0;
    while (i < order.length) {
      int j = i;
      while (j + 1 < order.length && scores[order[j + 1]] == scores[order[i]]) {
        j++;
      }
      double rank = (i + j) / 2.0 + 1;
      for (int k = i; k <= j; k++) {
        if (y[order[k]]) {
          rankSum += rank;
          positives++;
        }
      }
      i = j + 1;
    }
    long negatives = scores.length - positives;
    return (rankSum - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
  }

  private static double[] solve(double[][] a, double[] b) {
    int d = b.length;
    double[][] m = new double[d][];
    for (int i = 0; i < d; i++) {
      m[i] = Arrays.copyOf(a[i], d + 1);
      m[i][d] = b[i];
    }
    for (int c = 0; c < d; c++) {
      int pivot = c;
      for (int r = c + 1; r < d; r++) {
        if (Math.abs(m[r][c]) > Math.abs(m[pivot][c])) {
          pivot = r;
        }
      }
      double[] t = m[c];
      m[c] = m[pivot];
      m[pivot] = t;
      for (int r = c + 1; r < d; r++) {
        double f = m[r][c] / m[c][c];
        for (int k = c; k <= d; k++) {
          m[r][k] -= f * m[c][k];
        }
      }
    }
    double[] out = new double[d];
    for (int r = d - 1; r >= 0; r--) {
      double s = m[r][d];
      for (int k = r + 1; k < d; k++) {
        s -= m[r][k] * out[k];
      }
      out[r] = s / m[r][r];
    }
    return out;
  }
}
