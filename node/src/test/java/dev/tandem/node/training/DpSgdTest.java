package dev.tandem.node.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.crypto.dp.PerExampleClipping;
import dev.tandem.crypto.dp.RdpAccountant;
import dev.tandem.model.DpSpec;
import dev.tandem.model.FeatureEncoder;
import dev.tandem.model.FeatureSpec;
import dev.tandem.model.JobSpec;
import dev.tandem.model.LabelSpec;
import dev.tandem.model.ModelArchitecture;
import dev.tandem.model.ModelSpec;
import dev.tandem.model.Normalization;
import dev.tandem.model.PrivacySpec;
import dev.tandem.node.data.DataSourceConfig;
import dev.tandem.node.data.LocalData;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** DP-SGD in {@link LocalTrainer}: it still learns, clipping and noise act as specified, the cost is accounted. */
class DpSgdTest {

  private static final double DELTA = 1e-5;
  private static EncodedData churnTrain;
  private static EncodedData churnTest;
  private static JobSpec churnBase;

  @BeforeAll
  static void encodeChurn() {
    LocalData churn = LocalData.load(DataSourceConfig.of(Datasets.churnCsv(), Datasets.CHURN_ID).withSplitSeed(2024));
    churnBase = Datasets.job("churn", ModelSpec.logisticRegression(1e-4), Datasets.churnFeatures(),
        Datasets.churnLabel(), List.of("hq"), 1, 2, 0.5, 128);
    Normalization norm = FeatureMoments.of(churn.train(), churnBase).toNormalization();
    FeatureEncoder enc = new FeatureEncoder(churnBase.features(), norm);
    churnTrain = EncodedData.of(churn.train(), enc, churnBase.label());
    churnTest = EncodedData.of(churn.test(), enc, churnBase.label());
  }

  /** A deterministic SecureRandom, so that the statistical assertions below cannot flake. */
  static SecureRandom seeded(long seed) {
    try {
      SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
      r.setSeed(seed);
      return r;
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  private static LocalTrainer seededTrainer(long seed) {
    return new LocalTrainer(() -> seeded(seed));
  }

  private static JobSpec churnJob(ModelSpec model, double sigma, double maxGradNorm) {
    return new JobSpec("", "churn", model, churnBase.features(), churnBase.label(), List.of("hq"), 1, 2, 0.5, 128,
        1, 42L, new PrivacySpec(false, new DpSpec(sigma, maxGradNorm, DELTA)));
  }

  private static double heldOutAuc(JobSpec spec, long seed) {
    TrainResult r = seededTrainer(seed).train(spec, spec.architecture().initialParameters(spec.seed()), churnTrain, 1);
    return new Evaluator().evaluate(spec, r.parameters(), churnTest).auc();
  }

  private static double distance(double[] a, double[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += (a[i] - b[i]) * (a[i] - b[i]);
    }
    return Math.sqrt(sum);
  }

  @Test
  void train_churnAtNoiseMultiplierOne_stillLearns() {
    for (ModelSpec model : new ModelSpec[] {ModelSpec.logisticRegression(1e-4), ModelSpec.mlp(16, 1e-4)}) {
      double auc = heldOutAuc(churnJob(model, 1.0, 1.0), 3);
      assertTrue(auc >= 0.82, model.type() + ": held-out AUC " + auc);
    }
  }

  @Test
  void train_growingNoiseMultiplier_degradesHeldOutAuc() {
    double[] sigmas = {1, 16, 128, 1024};
    double[] auc = new double[sigmas.length];
    for (int s = 0; s < sigmas.length; s++) {
      JobSpec spec = churnJob(ModelSpec.logisticRegression(1e-4), sigmas[s], 1.0);
      auc[s] = (heldOutAuc(spec, 1) + heldOutAuc(spec, 2) + heldOutAuc(spec, 3)) / 3;
    }
    for (int s = 1; s < sigmas.length; s++) {
      assertTrue(auc[s] < auc[s - 1] + 0.01, "AUC by sigma " + Arrays.toString(sigmas) + ": " + Arrays.toString(auc));
    }
    assertTrue(auc[0] - auc[sigmas.length - 1] > 0.15, "AUC by sigma " + Arrays.toString(auc));
  }

  @Test
  void train_hugeNoiseMultiplier_movesFarFromTheGlobalModel() {
    JobSpec quiet = churnJob(ModelSpec.logisticRegression(0), 1, 1.0);
    JobSpec loud = churnJob(ModelSpec.logisticRegression(0), 1000, 1.0);
    double[] start = quiet.architecture().initialParameters(quiet.seed());
    double near = distance(start, seededTrainer(5).train(quiet, start, churnTrain, 1).parameters());
    double far = distance(start, seededTrainer(5).train(loud, start, churnTrain, 1).parameters());
    assertTrue(far > 20 * near, "distance from the global model: sigma 1 " + near + ", sigma 1000 " + far);
  }

  @Test
  void train_tinyClipAndNoise_barelyMoves() {
    JobSpec spec = churnJob(ModelSpec.mlp(8, 0), 1e-6, 1e-6);
    double[] start = spec.architecture().initialParameters(spec.seed());
    TrainResult r = seededTrainer(6).train(spec, start, churnTrain, 1);
    // each step moves by lr * ||sum of clipped gradients + noise|| / (q n), about lr * C
    double bound = 1.2 * spec.learningRate() * r.dp().steps() * 1e-6;
    double moved = distance(start, r.parameters());
    assertTrue(moved <= bound, "moved " + moved + " > " + bound);
    JobSpec plain = spec.withPrivacy(PrivacySpec.none());
    double plainMoved = distance(start, new LocalTrainer().train(plain, start, churnTrain, 1).parameters());
    assertTrue(plainMoved > 1e4 * moved, "plain SGD moved " + plainMoved + ", DP-SGD " + moved);
  }

  /** With q = 1 and one epoch: one step by the mean of the clipped per-example gradients, plus weight decay. */
  @Test
  void train_oneFullBatchStep_isTheMeanOfClippedPerExampleGradients() {
    int dim = 5;
    EncodedData data = synthetic(40, dim, 9);
    List<FeatureSpec> features = IntStream.range(0, dim).mapToObj(i -> FeatureSpec.numeric("f" + i)).toList();
    for (ModelSpec model : new ModelSpec[] {ModelSpec.logisticRegression(0.1), ModelSpec.mlp(3, 0.1)}) {
      ModelArchitecture arch = ModelArchitecture.of(model, dim);
      double[] start = arch.initialParameters(4);
      Random jitter = new Random(10);
      for (int k = 0; k < start.length; k++) {
        start[k] += 0.5 * jitter.nextGaussian();
      }
      double[][] perExample = perExampleByBackprop(model, dim, start, data);
      double[] norms = Arrays.stream(perExample).mapToDouble(PerExampleClipping::l2Norm).sorted().toArray();
      double clip = norms[norms.length / 2]; // about half the rows are clipped
      JobSpec spec = new JobSpec("", "t", model, features, LabelSpec.positiveIf("y", "1"), List.of("a"), 1, 1,
          0.3, 1000, 1, 1L, new PrivacySpec(false, new DpSpec(1e-12, clip, DELTA)));
      double[] sum = new double[start.length];
      for (double[] g : perExample) {
        PerExampleClipping.clipInPlace(g, clip);
        for (int k = 0; k < sum.length; k++) {
          sum[k] += g[k];
        }
      }
      double[] decay = weightDecay(model, dim, start);
      double[] expected = new double[start.length];
      for (int k = 0; k < expected.length; k++) {
        expected[k] = start[k] - 0.3 * (sum[k] / data.size() + decay[k]);
      }
      TrainResult r = seededTrainer(11).train(spec, start, data, 1);
      assertEquals(new DpSteps(1.0, 1e-12, 1, DELTA), r.dp());
      assertArrayEquals(expected, r.parameters(), 1e-10, model.type().toString());
    }
  }

  @Test
  void train_chunkedPerExampleGradients_equalOneBlock() {
    JobSpec spec = churnJob(ModelSpec.mlp(4, 1e-3), 1.0, 0.5);
    EncodedData small = new EncodedData(Arrays.copyOf(churnTrain.x(), 300), Arrays.copyOf(churnTrain.y(), 300));
    DpSteps plan = LocalTrainer.plannedSteps(spec, small.size());
    double[] start = spec.architecture().initialParameters(1);
    double[] whole = DpSgd.train(spec, spec.privacy().dp(), plan, start, small, seeded(12), 300);
    double[] chunked = DpSgd.train(spec, spec.privacy().dp(), plan, start, small, seeded(12), 7);
    assertArrayEquals(whole, chunked, 1e-12);
  }

  @Test
  void plannedSteps_churn_isTheSamplingRateAndStepsTheResultReportsAndTheAccountantCounts() {
    JobSpec spec = churnJob(ModelSpec.logisticRegression(1e-4), 1.1, 1.0);
    int n = churnTrain.size();
    DpSteps planned = LocalTrainer.plannedSteps(spec, n);
    assertEquals(128.0 / n, planned.samplingRate(), 1e-15);
    assertEquals(Math.round(2 * n / 128.0), planned.steps());
    assertEquals(1.1, planned.noiseMultiplier());
    assertEquals(DELTA, planned.delta());
    TrainResult r = seededTrainer(13).train(spec, spec.architecture().initialParameters(1), churnTrain, 1);
    assertEquals(planned, r.dp());
    assertEquals(n, r.sampleCount());
    double expected = RdpAccountant.empty().compose(128.0 / n, 1.1, Math.round(2 * n / 128.0)).spent(DELTA).epsilon();
    assertEquals(expected, r.dp().spent().epsilon(), 0.0);
    assertEquals(expected, r.dp().composeInto(RdpAccountant.empty()).spent(DELTA).epsilon(), 0.0);
    assertTrue(expected > 0.5 && expected < 5, "epsilon " + expected);
  }

  @Test
  void plannedSteps_batchAtLeastTheData_isFullBatchOncePerEpoch() {
    JobSpec spec = churnJob(ModelSpec.logisticRegression(0), 2.0, 1.0);
    assertEquals(new DpSteps(1.0, 2.0, 2, DELTA), LocalTrainer.plannedSteps(spec, 128));
    assertEquals(new DpSteps(1.0, 2.0, 2, DELTA), LocalTrainer.plannedSteps(spec, 5));
    assertEquals(new DpSteps(0.5, 2.0, 4, DELTA), LocalTrainer.plannedSteps(spec, 256));
  }

  @Test
  void plannedSteps_noDpOrNoRows_isRefused() {
    JobSpec plain = churnBase;
    assertThrows(IllegalArgumentException.class, () -> LocalTrainer.plannedSteps(plain, 100));
    JobSpec dp = churnJob(ModelSpec.logisticRegression(0), 1, 1);
    assertThrows(IllegalArgumentException.class, () -> LocalTrainer.plannedSteps(dp, 0));
  }

  @Test
  void train_defaultTrainer_drawsFreshNoiseEveryCall() {
    JobSpec spec = churnJob(ModelSpec.logisticRegression(1e-4), 1, 1);
    double[] start = spec.architecture().initialParameters(1);
    LocalTrainer trainer = new LocalTrainer();
    TrainResult a = trainer.train(spec, start, churnTrain, 7);
    TrainResult b = trainer.train(spec, start, churnTrain, 7);
    assertFalse(Arrays.equals(a.parameters(), b.parameters()), "the same round seed must not reproduce DP noise");
    assertNull(trainer.train(churnBase, start, churnTrain, 7).dp(), "no DP, no privacy cost");
  }

  @Test
  void dpSteps_outOfRange_isRejected() {
    assertThrows(IllegalArgumentException.class, () -> new DpSteps(0, 1, 1, DELTA));
    assertThrows(IllegalArgumentException.class, () -> new DpSteps(1.5, 1, 1, DELTA));
    assertThrows(IllegalArgumentException.class, () -> new DpSteps(0.1, 0, 1, DELTA));
    assertThrows(IllegalArgumentException.class, () -> new DpSteps(0.1, Double.POSITIVE_INFINITY, 1, DELTA));
    assertThrows(IllegalArgumentException.class, () -> new DpSteps(0.1, 1, -1, DELTA));
    assertThrows(IllegalArgumentException.class, () -> new DpSteps(0.1, 1, 1, 1));
  }

  /** Row i's log-loss gradient by the (finite-difference checked) batch gradient on that row alone. */
  private static double[][] perExampleByBackprop(ModelSpec model, int dim, double[] params, EncodedData data) {
    ModelSpec noPenalty = new ModelSpec(model.type(), model.hiddenUnits(), 0);
    double[][] out = new double[data.size()][];
    try (DesignMatrix m = new DesignMatrix(data); Network net = Network.create(noPenalty, dim, params, 1)) {
      for (int i = 0; i < data.size(); i++) {
        net.gradient(m, i, 1);
        out[i] = net.gradientValues();
      }
    }
    return out;
  }

  /** l2 * weights, 0 on biases: the gradient of the objective with and without the penalty, subtracted. */
  private static double[] weightDecay(ModelSpec model, int dim, double[] params) {
    EncodedData one = new EncodedData(new double[][] {new double[dim]}, new double[] {0});
    ModelSpec noPenalty = new ModelSpec(model.type(), model.hiddenUnits(), 0);
    double[] with;
    double[] without;
    try (DesignMatrix m = new DesignMatrix(one); Network a = Network.create(model, dim, params, 1);
       Network b = Network.create(noPenalty, dim, params, 1)) {
      a.gradient(m, 0, 1);
      b.gradient(m, 0, 1);
      with = a.gradientValues();
      without = b.gradientValues();
    }
    double[] decay = new double[params.length];
    for (int k = 0; k < decay.length; k++) {
      decay[k] = with[k] - without[k];
    }
    return decay;
  }

  private static EncodedData synthetic(int n, int dim, long seed) {
    Random random = new Random(seed);
    double[][] x = new double[n][dim];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < dim; j++) {
        x[i][j] = random.nextGaussian() * (1 + i % 3);
      }
      y[i] = random.nextBoolean() ? 1 : 0;
    }
    return new EncodedData(x, y);
  }
}
