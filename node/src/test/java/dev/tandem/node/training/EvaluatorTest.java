package dev.tandem.node.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.model.FeatureSpec;
import dev.tandem.model.JobSpec;
import dev.tandem.model.LabelSpec;
import dev.tandem.model.ModelArchitecture;
import dev.tandem.model.ModelSpec;
import dev.tandem.model.metrics.BinaryMetrics;
import dev.tandem.model.metrics.ScoreHistogram;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EvaluatorTest {

  private static final JobSpec SPEC = new JobSpec("", "test", ModelSpec.mlp(3, 0),
      List.of(FeatureSpec.numeric("a"), FeatureSpec.numeric("b")), LabelSpec.positiveIf("y", "1"),
      List.of("s1", "s2"), 1, 1, 0.1, 8, 1, 1L);

  @Test
  void evaluate_randomModel_matchesPlainJavaScoring() {
    Random random = new Random(21);
    int n = 5000; // more than one scoring block
    double[][] x = new double[n][2];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      x[i][0] = random.nextGaussian();
      x[i][1] = random.nextGaussian();
      y[i] = random.nextDouble() < ModelArchitecture.sigmoid(2 * x[i][0] - x[i][1]) ? 1 : 0;
    }
    EncodedData data = new EncodedData(x, y);
    ModelArchitecture arch = SPEC.architecture();
    double[] params = arch.initialParameters(3);
    for (int k = 0; k < params.length; k++) {
      params[k] += random.nextGaussian();
    }
    double[] p = new double[n];
    boolean[] labels = new boolean[n];
    ScoreHistogram h = new ScoreHistogram(ScoreHistogram.DEFAULT_BINS);
    int positives = 0;
    for (int i = 0; i < n; i++) {
      p[i] = arch.predict(params, x[i]);
      labels[i] = y[i] == 1;
      positives += labels[i] ? 1 : 0;
      h.add(p[i], labels[i]);
    }
    Evaluation e = new Evaluator().evaluate(SPEC, params, data);
    assertEquals(n, e.sampleCount());
    assertEquals(positives, e.positives());
    assertEquals(BinaryMetrics.logLoss(p, labels), e.meanLogLoss(), 1e-9);
    assertEquals(BinaryMetrics.accuracy(p, labels), e.accuracy(), 1e-12);
    assertEquals(BinaryMetrics.auc(p, labels), e.auc(), 1e-12);
    assertEquals(h, e.histogram());
    assertArrayEquals(p, new Evaluator().predict(SPEC, params, data), 1e-12);
  }

  @Test
  void evaluate_noRows_givesEmptyEvaluation() {
    Evaluation e = new Evaluator().evaluate(SPEC, SPEC.architecture().initialParameters(1),
        new EncodedData(new double[0][], new double[0]));
    assertEquals(0, e.sampleCount());
    assertTrue(Double.isNaN(e.auc()));
    assertTrue(Double.isNaN(e.meanLogLoss()));
  }

  @Test
  void evaluate_wrongParameterCount_isRejected() {
    EncodedData data = new EncodedData(new double[][] {{1, 2}}, new double[] {1});
    assertThrows(IllegalArgumentException.class, () -> new Evaluator().evaluate(SPEC, new double[3], data));
  }

  @Test
  void evaluation_inconsistentCounts_areRejected() {
    ScoreHistogram h = new ScoreHistogram(10);
    h.add(0.9, true);
    assertThrows(IllegalArgumentException.class, () -> new Evaluation(2, 1, 0.5, 1, Double.NaN, h));
    assertThrows(IllegalArgumentException.class, () -> new Evaluation(1, 2, 0.5, 1, Double.NaN, h));
    assertEquals(1, new Evaluation(1, 1, 0.1, 1, Double.NaN, h).correct());
  }
}
