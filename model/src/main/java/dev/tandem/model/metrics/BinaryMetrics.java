package dev.tandem.model.metrics;

import java.util.Arrays;
import java.util.Objects;

/** Exact metrics of a binary classifier over one set of scored examples. Thread-safe. */
public final class BinaryMetrics {

  /** Probabilities are clipped to {@code [EPS, 1 - EPS]} before taking logarithms. */
  public static final double EPS = 1e-15;

  private BinaryMetrics() {
  }

  /**
   * The area under the ROC curve (Mann-Whitney U / (P N)); a tied positive-negative pair counts 1/2.
   *
   * @return NaN when there are no positives or no negatives
   * @throws IllegalArgumentException when the arrays differ in length or a score is NaN
   */
  public static double auc(double[] scores, boolean[] labels) {
    check(scores, labels);
    int n = scores.length;
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(scores[a], scores[b]));
    long positives = 0;
    double rankSum = 0;
    int i = 0;
    while (i < n) {
      int j = i;
      while (j + 1 < n && scores[order[j + 1]] == scores[order[i]]) {
        j++;
      }
      double midRank = (i + j) / 2.0 + 1; // 1-based mean rank of the tie group
      for (int k = i; k <= j; k++) {
        if (labels[order[k]]) {
          positives++;
          rankSum += midRank;
        }
      }
      i = j + 1;
    }
    long negatives = n - positives;
    if (positives == 0 || negatives == 0) {
      return Double.NaN;
    }
    double u = rankSum - positives * (positives + 1) / 2.0;
    return u / ((double) positives * negatives);
  }

  /**
   * The mean log loss, probabilities clipped to {@code [1e-15, 1 - 1e-15]}.
   *
   * @return NaN for no examples
   * @throws IllegalArgumentException when the arrays differ in length or a probability is NaN
   */
  public static double logLoss(double[] p, boolean[] y) {
    check(p, y);
    if (p.length == 0) {
      return Double.NaN;
    }
    double sum = 0;
    for (int i = 0; i < p.length; i++) {
      sum += logLoss(p[i], y[i]);
    }
    return sum / p.length;
  }

  /** The log loss of one example, the probability clipped to {@code [1e-15, 1 - 1e-15]}. */
  public static double logLoss(double p, boolean y) {
    double q = Math.min(1 - EPS, Math.max(EPS, p));
    return y ? -Math.log(q) : -Math.log1p(-q);
  }

  /**
   * The share of examples whose prediction {@code p >= 0.5} matches the label.
   *
   * @return NaN for no examples
   * @throws IllegalArgumentException when the arrays differ in length or a probability is NaN
   */
  public static double accuracy(double[] p, boolean[] y) {
    check(p, y);
    if (p.length == 0) {
      return Double.NaN;
    }
    int correct = 0;
    for (int i = 0; i < p.length; i++) {
      if ((p[i] >= 0.5) == y[i]) {
        correct++;
      }
    }
    return (double) correct / p.length;
  }

  private static void check(double[] scores, boolean[] labels) {
    Objects.requireNonNull(scores, "scores");
    Objects.requireNonNull(labels, "labels");
    if (scores.length != labels.length) {
      throw new IllegalArgumentException(scores.length + " scores but " + labels.length + " labels");
    }
    for (int i = 0; i < scores.length; i++) {
      if (Double.isNaN(scores[i])) {
        throw new IllegalArgumentException("score " + i + " is NaN");
      }
    }
  }
}
