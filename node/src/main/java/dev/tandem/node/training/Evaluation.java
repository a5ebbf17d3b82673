package dev.tandem.node.training;

import dev.tandem.model.metrics.ScoreHistogram;
import java.util.Objects;

/**
 * A model's scores on one site's rows, as sums the federation can add up: row and positive counts,
 * the sum of clipped log losses, the number of correct predictions at threshold 0.5, the site's own
 * AUC (NaN when it holds one class only) and the score histogram for the pooled AUC.
 * The histogram is copied in and out.
 *
 * @throws IllegalArgumentException from the constructor when the counts are inconsistent
 */
public record Evaluation(int sampleCount, int positives, double logLossSum, int correct, double auc,
             ScoreHistogram histogram) {

  public Evaluation {
    Objects.requireNonNull(histogram, "histogram");
    if (sampleCount < 0 || positives < 0 || positives > sampleCount) {
      throw new IllegalArgumentException("positives " + positives + " do not fit sampleCount " + sampleCount);
    }
    if (correct < 0 || correct > sampleCount) {
      throw new IllegalArgumentException("correct " + correct + " does not fit sampleCount " + sampleCount);
    }
    if (!(logLossSum >= 0) || !Double.isFinite(logLossSum)) {
      throw new IllegalArgumentException("logLossSum must be finite and >= 0, got " + logLossSum);
    }
    if (!Double.isNaN(auc) && !(auc >= 0 && auc <= 1)) {
      throw new IllegalArgumentException("auc must be NaN or in [0, 1], got " + auc);
    }
    if (histogram.positiveCount() != positives || histogram.negativeCount() != sampleCount - positives) {
      throw new IllegalArgumentException("histogram counts do not match the sample");
    }
    histogram = ScoreHistogram.of(histogram.positives(), histogram.negatives());
  }

  @Override
  public ScoreHistogram histogram() {
    return ScoreHistogram.of(histogram.positives(), histogram.negatives());
  }

  /** The mean log loss; NaN for no rows. */
  public double meanLogLoss() {
    return sampleCount == 0 ? Double.NaN : logLossSum / sampleCount;
  }

  /** The share of correct predictions; NaN for no rows. */
  public double accuracy() {
    return sampleCount == 0 ? Double.NaN : (double) correct / sampleCount;
  }
}
