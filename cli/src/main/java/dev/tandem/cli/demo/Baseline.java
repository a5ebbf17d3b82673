package dev.tandem.cli.demo;

import dev.tandem.vertical.CentralizedLogistic;

import dev.tandem.model.Cells;
import dev.tandem.model.FeatureEncoder;
import dev.tandem.model.FeatureKind;
import dev.tandem.model.FeatureSpec;
import dev.tandem.model.JobSpec;
import dev.tandem.model.LabelSpec;
import dev.tandem.model.ModelArchitecture;
import dev.tandem.model.Normalization;
import dev.tandem.model.PrivacySpec;
import dev.tandem.model.RowView;
import dev.tandem.model.metrics.BinaryMetrics;
import dev.tandem.node.training.EncodedData;
import dev.tandem.node.training.FeatureMoments;
import dev.tandem.node.training.LocalTrainer;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The centralized reference: the same model trained on the union of every site's training rows,
 * and scored on the union of their held-out rows; for a vertical job, on the parties' columns joined
 * side by side. It exists to measure federated training against and is only possible where all the
 * data sits together (the demo, tests).
 */
public final class Baseline {
  private Baseline() {}

  /** The held-out AUC of a model trained centrally for {@code epochs} passes. */
  public static double centralizedAuc(JobSpec spec, List<RowView> train, List<RowView> test, int epochs) {
    FeatureMoments m = FeatureMoments.of(train, spec);
    Normalization norm = Normalization.fromMoments(m.counts(), m.sums(), m.sumSquares());
    FeatureEncoder encoder = new FeatureEncoder(spec.features(), norm);
    EncodedData trainData = EncodedData.of(train, encoder, spec.label());
    JobSpec central = new JobSpec(spec.jobId(), spec.purpose(), spec.model(), spec.features(), spec.label(),
        spec.sites(), 1, epochs, spec.learningRate(), spec.batchSize(), 1, spec.seed(),
        new PrivacySpec(false, spec.privacy().dp() == null ? null : spec.privacy().dp().withDistributed(false)));
    ModelArchitecture arch = ModelArchitecture.of(spec.model(), encoder.dimension());
    double[] params = new LocalTrainer().train(central, arch.initialParameters(spec.seed()), trainData, spec.seed())
        .parameters();
    return heldOutAuc(spec, norm, params, test);
  }

  /** The exact AUC of given parameters on held-out rows. */
  public static double heldOutAuc(JobSpec spec, Normalization norm, double[] params, List<RowView> test) {
    FeatureEncoder encoder = new FeatureEncoder(spec.features(), norm);
    EncodedData data = EncodedData.of(test, encoder, spec.label());
    ModelArchitecture arch = ModelArchitecture.of(spec.model(), encoder.dimension());
    double[] scores = new double[data.size()];
    boolean[] labels = new boolean[data.size()];
    double[][] x = data.x();
    double[] y = data.y();
    for (int i = 0; i < scores.length; i++) {
      scores[i] = arch.predict(params, x[i]);
      labels[i] = y[i] > 0.5;
    }
    return BinaryMetrics.auc(scores, labels);
  }

  /**
   * The train AUC of logistic regression on a joined table (every party's features side by side):
   * numeric features standardized over {@code rows}, categorical ones one-hot, fitted exactly by
   * Newton's method with penalty {@code l2 / 2 * |w|^2}. The reference for a vertical job.
   *
   * @throws IllegalArgumentException if a row's label cannot be read or there are no rows
   */
  public static double joinedTrainAuc(List<FeatureSpec> features, LabelSpec label, List<? extends RowView> rows,
      double l2) {
    List<FeatureSpec> numeric = features.stream().filter(f -> f.kind() == FeatureKind.NUMERIC).toList();
    long[] counts = new long[numeric.size()];
    double[] sums = new double[numeric.size()];
    double[] squares = new double[numeric.size()];
    for (RowView row : rows) {
      for (int i = 0; i < numeric.size(); i++) {
        OptionalDouble v = Cells.number(row.get(numeric.get(i).name()));
        if (v.isPresent()) {
          counts[i]++;
          sums[i] += v.getAsDouble();
          squares[i] += v.getAsDouble() * v.getAsDouble();
        }
      }
    }
    FeatureEncoder encoder = new FeatureEncoder(features, Normalization.fromMoments(counts, sums, squares));
    double[][] x = new double[rows.size()][];
    boolean[] y = new boolean[rows.size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = encoder.encode(rows.get(i));
      Optional<Boolean> target = label.label(rows.get(i).get(label.column()));
      if (target.isEmpty()) {
        throw new IllegalArgumentException("row " + (i + 1) + " has no readable label " + label.column());
      }
      y[i] = target.get();
    }
    return BinaryMetrics.auc(CentralizedLogistic.scores(x, CentralizedLogistic.fit(x, y, l2)), y);
  }
}
