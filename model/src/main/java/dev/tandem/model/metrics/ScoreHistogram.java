package dev.tandem.model.metrics;

import java.util.Arrays;
import java.util.Objects;

/**
 * Counts of positive and negative examples per score bin: a summary that sites can add up, from
 * which the federation's AUC is computed without any row leaving its site.
 *
 * <p>Scores lie in {@code [0, 1]}; bin {@code i} of {@code n} holds {@code [i/n, (i+1)/n)}, the last
 * bin also holds 1. Not thread-safe.
 */
public final class ScoreHistogram {

  /** The number of bins sites use unless a job says otherwise. */
  public static final int DEFAULT_BINS = 1000;

  private final long[] positives;
  private final long[] negatives;

  /**
   * An empty histogram.
   *
   * @throws IllegalArgumentException when bins &lt; 1
   */
  public ScoreHistogram(int bins) {
    if (bins < 1) {
      throw new IllegalArgumentException("bins must be >= 1, got " + bins);
    }
    positives = new long[bins];
    negatives = new long[bins];
  }

  /**
   * A histogram with the given counts (copied).
   *
   * @throws IllegalArgumentException when the arrays are empty, differ in length or hold a negative count
   */
  public static ScoreHistogram of(long[] pos, long[] neg) {
    Objects.requireNonNull(pos, "pos");
    Objects.requireNonNull(neg, "neg");
    if (pos.length != neg.length) {
      throw new IllegalArgumentException(pos.length + " positive bins but " + neg.length + " negative bins");
    }
    ScoreHistogram h = new ScoreHistogram(pos.length);
    for (int i = 0; i < pos.length; i++) {
      if (pos[i] < 0 || neg[i] < 0) {
        throw new IllegalArgumentException("bin " + i + " has a negative count");
      }
      h.positives[i] = pos[i];
      h.negatives[i] = neg[i];
    }
    return h;
  }

  /** The number of bins. */
  public int bins() {
    return positives.length;
  }

  /**
   * Counts one example.
   *
   * @throws IllegalArgumentException when the score is NaN or outside [0, 1]
   */
  public void add(double score, boolean positive) {
    if (!(score >= 0 && score <= 1)) {
      throw new IllegalArgumentException("score must be in [0, 1], got " + score);
    }
    int bin = Math.min(positives.length - 1, (int) (score * positives.length));
    if (positive) {
      positives[bin]++;
    } else {
      negatives[bin]++;
    }
  }

  /**
   * A new histogram holding the counts of both; neither input changes.
   *
   * @throws IllegalArgumentException when the bin counts differ
   */
  public ScoreHistogram merge(ScoreHistogram o) {
    Objects.requireNonNull(o, "o");
    if (o.bins() != bins()) {
      throw new IllegalArgumentException("cannot merge " + bins() + " bins with " + o.bins());
    }
    ScoreHistogram h = new ScoreHistogram(bins());
    for (int i = 0; i < bins(); i++) {
      h.positives[i] = Math.addExact(positives[i], o.positives[i]);
      h.negatives[i] = Math.addExact(negatives[i], o.negatives[i]);
    }
    return h;
  }

  /** The positive count of each bin (a copy). */
  public long[] positives() {
    return positives.clone();
  }

  /** The negative count of each bin (a copy). */
  public long[] negatives() {
    return negatives.clone();
  }

  /** The total number of positive examples. */
  public long positiveCount() {
    return Arrays.stream(positives).sum();
  }

  /** The total number of negative examples. */
  public long negativeCount() {
    return Arrays.stream(negatives).sum();
  }

  /**
   * The AUC of the binned scores: a positive above a negative counts 1, a pair in the same bin 1/2.
   *
   * @return NaN when there are no positives or no negatives
   */
  public double auc() {
    double wins = 0;
    double negativesBelow = 0;
    for (int i = 0; i < positives.length; i++) {
      wins += positives[i] * (negativesBelow + 0.5 * negatives[i]);
      negativesBelow += negatives[i];
    }
    double pairs = (double) positiveCount() * negativeCount();
    return pairs == 0 ? Double.NaN : wins / pairs;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ScoreHistogram h && Arrays.equals(positives, h.positives)
        && Arrays.equals(negatives, h.negatives);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(positives) + Arrays.hashCode(negatives);
  }

  @Override
  public String toString() {
    return "ScoreHistogram[bins=" + bins() + ", positives=" + positiveCount() + ", negatives=" + negativeCount() + "]";
  }
}
