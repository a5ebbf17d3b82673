package dev.tandem.node.training;

import dev.tandem.model.JobSpec;
import dev.tandem.model.metrics.BinaryMetrics;
import dev.tandem.model.metrics.ScoreHistogram;
import java.util.Objects;

/** Scores a model on a site's rows. Stateless and thread-safe. */
public final class Evaluator {

  /**
   * The evaluation of {@code parameters} on {@code data}, with a histogram of
   * {@link ScoreHistogram#DEFAULT_BINS} bins.
   *
   * @throws IllegalArgumentException when the parameters or the data do not fit the spec
   */
  public Evaluation evaluate(JobSpec spec, double[] parameters, EncodedData data) {
    return evaluate(spec, parameters, data, ScoreHistogram.DEFAULT_BINS);
  }

  /**
   * The evaluation of {@code parameters} on {@code data}, with a histogram of {@code bins} bins.
   *
   * @throws IllegalArgumentException when the parameters or the data do not fit the spec, or bins &lt; 1
   */
  public Evaluation evaluate(JobSpec spec, double[] parameters, EncodedData data, int bins) {
    return evaluate(spec, parameters, data, bins, Double.POSITIVE_INFINITY);
  }

  /**
   * As above, with each row's log loss clipped to {@code lossClip} before it is summed (differential
   * privacy bounds one record's influence on the sum so).
   *
   * @throws IllegalArgumentException as above, or when lossClip is not &gt; 0
   */
  public Evaluation evaluate(JobSpec spec, double[] parameters, EncodedData data, int bins, double lossClip) {
    if (!(lossClip > 0)) {
      throw new IllegalArgumentException("lossClip must be > 0, got " + lossClip);
    }
    ScoreHistogram histogram = new ScoreHistogram(bins);
    double[] p = predict(spec, parameters, data);
    double[] y = data.yRef();
    boolean[] labels = new boolean[p.length];
    int positives = 0;
    int correct = 0;
    double lossSum = 0;
    for (int i = 0; i < p.length; i++) {
      labels[i] = y[i] == 1;
      positives += labels[i] ? 1 : 0;
      correct += (p[i] >= 0.5) == labels[i] ? 1 : 0;
      lossSum += Math.min(lossClip, BinaryMetrics.logLoss(p[i], labels[i]));
      histogram.add(p[i], labels[i]);
    }
    double auc = p.length == 0 ? Double.NaN : BinaryMetrics.auc(p, labels);
    return new Evaluation(p.length, positives, lossSum, correct, auc, histogram);
  }

  /**
   * The probability of the positive class for each row of {@code data}, in row order.
   *
   * @throws IllegalArgumentException when the parameters or the data do not fit the spec
   */
  public double[] predict(JobSpec spec, double[] parameters, EncodedData data) {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(data, "data");
    LocalTrainer.checkInputs(spec, parameters, data);
    if (data.size() == 0) {
      return new double[0];
    }
    try (DesignMatrix matrix = new DesignMatrix(data)) {
      return LocalTrainer.predict(spec.model(), parameters, matrix);
    }
  }
}
