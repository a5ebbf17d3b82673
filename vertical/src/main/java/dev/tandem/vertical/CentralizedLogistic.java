package dev.tandem.vertical;

import java.util.Arrays;

/**
 * Logistic regression fitted by Newton's method: the weights (the intercept last) that minimize the
 * mean log loss plus {@code l2 / 2 * |w|^2} (the intercept unpenalized), on the joined table. The
 * centralized baseline that vertical training is measured against (it needs every party's columns in
 * one place, which the federation never does). For small, standardized tables: each iteration costs
 * rows x columns^2.
 */
public final class CentralizedLogistic {
  private static final int MAX_ITERATIONS = 50;

  private CentralizedLogistic() {}

  /**
   * Fits the weights.
   *
   * @throws IllegalArgumentException if there are no rows, or rows and labels differ in number
   */
  public static double[] fit(double[][] x, boolean[] y, double l2) {
    if (x.length == 0 || x.length != y.length) {
      throw new IllegalArgumentException(x.length + " rows and " + y.length + " labels");
    }
    int n = x.length;
    int d = x[0].length + 1;
    double[] w = new double[d];
    double[] xi = new double[d];
    for (int iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
      double[] grad = new double[d];
      double[][] hess = new double[d][d];
      for (int i = 0; i < n; i++) {
        System.arraycopy(x[i], 0, xi, 0, d - 1);
        xi[d - 1] = 1;
        double p = 1 / (1 + Math.exp(-dot(xi, w)));
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

  /** The linear score x.w + b of each row under weights from {@link #fit}. */
  public static double[] scores(double[][] x, double[] w) {
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

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  /** Solves a x = b by Gaussian elimination with partial pivoting. */
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
