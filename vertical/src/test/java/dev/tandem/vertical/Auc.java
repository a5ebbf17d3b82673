package dev.tandem.vertical;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/** The AUC (Mann-Whitney), for comparing federated and centralized scores. */
public final class Auc {
  private Auc() {}

  /** The AUC of scores against labels, ties counted half (Mann-Whitney). */
  public static double of(double[] scores, boolean[] y) {
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
}
