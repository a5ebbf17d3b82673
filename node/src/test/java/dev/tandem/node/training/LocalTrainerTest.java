package dev.tandem.node.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.model.FeatureSpec;
import dev.tandem.model.JobSpec;
import dev.tandem.model.LabelSpec;
import dev.tandem.model.ModelArchitecture;
import dev.tandem.model.ModelSpec;
import dev.tandem.model.metrics.BinaryMetrics;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class LocalTrainerTest {

  private static final int DIM = 5;

  private static JobSpec job(ModelSpec model, int epochs, double lr, int batch) {
    List<FeatureSpec> features = IntStream.range(0, DIM).mapToObj(i -> FeatureSpec.numeric("f" + i)).toList();
    return new JobSpec("", "test", model, features, LabelSpec.positiveIf("y", "1"), List.of("a"), 1, epochs, lr,
        batch, 1, 7L);
  }

  /** Labels from a known logistic model, so training has something to find. */
  private static EncodedData synthetic(int n, long seed) {
    Random random = new Random(seed);
    double[] w = {1.5, -2.0, 0.5, 0.0, 1.0};
    double[][] x = new double[n][DIM];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      double z = -0.5;
      for (int j = 0; j < DIM; j++) {
        x[i][j] = random.nextGaussian();
        z += w[j] * x[i][j];
      }
      y[i] = random.nextDouble() < ModelArchitecture.sigmoid(z) ? 1 : 0;
    }
    return new EncodedData(x, y);
  }

  private static double meanLoss(ModelArchitecture arch, double[] params, EncodedData data) {
    double[] p = new double[data.size()];
    boolean[] y = new boolean[data.size()];
    for (int i = 0; i < p.length; i++) {
      p[i] = arch.predict(params, data.xRef()[i]);
      y[i] = data.yRef()[i] == 1;
    }
    return BinaryMetrics.logLoss(p, y);
  }

  @Test
  void train_sameSeed_givesIdenticalParameters() {
    JobSpec spec = job(ModelSpec.mlp(4, 1e-3), 3, 0.1, 16);
    EncodedData data = synthetic(300, 1);
    double[] start = spec.architecture().initialParameters(spec.seed());
    TrainResult a = new LocalTrainer().train(spec, start, data, 99);
    TrainResult b = new LocalTrainer().train(spec, start, data, 99);
    assertEquals(a, b);
    TrainResult c = new LocalTrainer().train(spec, start, data, 100);
    assertFalse(Arrays.equals(a.parameters(), c.parameters()), "a different seed shuffles differently");
  }

  @Test
  void train_fullBatchOneEpoch_isOneGradientStepFromTheStart() {
    JobSpec spec = job(ModelSpec.logisticRegression(0.1), 1, 0.5, 1000);
    EncodedData data = synthetic(50, 2);
    double[] start = {0.1, 0.2, -0.3, 0.4, 0.0, 0.05};
    double[] gradient;
    try (DesignMatrix m = new DesignMatrix(data); Network net = Network.create(spec.model(), DIM, start, 50)) {
      net.gradient(m, 0, 50);
      gradient = net.gradientValues();
    }
    double[] expected = start.clone();
    for (int k = 0; k < expected.length; k++) {
      expected[k] -= 0.5 * gradient[k];
    }
    TrainResult r = new LocalTrainer().train(spec, start, data, 3);
    assertArrayEquals(expected, r.parameters(), 1e-12);
    assertEquals(50, r.sampleCount());
  }

  @Test
  void train_logisticAndMlp_lowerTheLossAndReportItConsistently() {
    EncodedData data = synthetic(2000, 4);
    for (ModelSpec model : new ModelSpec[] {ModelSpec.logisticRegression(1e-4), ModelSpec.mlp(8, 1e-4)}) {
      JobSpec spec = job(model, 5, 0.1, 32);
      ModelArchitecture arch = spec.architecture();
      double[] start = arch.initialParameters(spec.seed());
      TrainResult r = new LocalTrainer().train(spec, start, data, 5);
      double before = meanLoss(arch, start, data);
      double after = meanLoss(arch, r.parameters(), data);
      assertTrue(after < before - 0.1, model.type() + ": loss " + before + " -> " + after);
      assertEquals(after, r.meanLoss(), 1e-9, model.type() + ": reported loss");
      assertEquals(2000, r.sampleCount());
    }
  }

  @Test
  void train_batchLargerThanData_usesOneBatch() {
    JobSpec spec = job(ModelSpec.mlp(3, 0), 2, 0.1, 512);
    EncodedData data = synthetic(7, 6);
    TrainResult r = new LocalTrainer().train(spec, spec.architecture().initialParameters(1), data, 1);
    assertEquals(7, r.sampleCount());
  }

  @Test
  void train_badInputs_areRejected() {
    JobSpec spec = job(ModelSpec.logisticRegression(0), 1, 0.1, 8);
    LocalTrainer trainer = new LocalTrainer();
    EncodedData data = synthetic(20, 7);
    assertThrows(IllegalArgumentException.class, () -> trainer.train(spec, new double[5], data, 1));
    double[] nan = new double[6];
    nan[2] = Double.NaN;
    assertThrows(IllegalArgumentException.class, () -> trainer.train(spec, nan, data, 1));
    EncodedData empty = new EncodedData(new double[0][], new double[0]);
    assertThrows(IllegalArgumentException.class, () -> trainer.train(spec, new double[6], empty, 1));
    EncodedData narrow = new EncodedData(new double[][] {{1, 2}}, new double[] {1});
    assertThrows(IllegalArgumentException.class, () -> trainer.train(spec, new double[6], narrow, 1));
  }

  @Test
  void train_overflowingLearningRate_throwsInsteadOfReturningInfinities() {
    JobSpec spec = job(ModelSpec.logisticRegression(0), 5, 1e308, 4);
    EncodedData data = synthetic(40, 8);
    assertThrows(IllegalStateException.class,
        () -> new LocalTrainer().train(spec, spec.architecture().initialParameters(0), data, 1));
  }
}
