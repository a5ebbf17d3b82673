package dev.tandem.node.dp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.model.DpSpec;
import dev.tandem.model.FeatureEncoder;
import dev.tandem.model.JobSpec;
import dev.tandem.model.ModelSpec;
import dev.tandem.model.Normalization;
import dev.tandem.model.PrivacySpec;
import dev.tandem.model.metrics.BinaryMetrics;
import dev.tandem.node.data.DataSourceConfig;
import dev.tandem.node.data.LocalData;
import dev.tandem.node.training.Datasets;
import dev.tandem.node.training.EncodedData;
import dev.tandem.node.training.FeatureMoments;
import dev.tandem.node.training.TrainResult;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class DpSgdTrainerTest {
  private static JobSpec churn(ModelSpec model, double sigma, double clip, int batch, int epochs) {
    return new JobSpec("j", "churn", model, Datasets.churnFeatures(), Datasets.churnLabel(), List.of("a"), 1,
        epochs, 0.5, batch, 1, 1, new PrivacySpec(false, new DpSpec(sigma, clip, 1e-5)));
  }

  private static EncodedData[] churnData(JobSpec spec) {
    LocalData data = LocalData.load(DataSourceConfig.of(Datasets.churnCsv(), Datasets.CHURN_ID));
    FeatureMoments m = FeatureMoments.of(data.train(), spec);
    FeatureEncoder enc = new FeatureEncoder(spec.features(),
        Normalization.fromMoments(m.counts(), m.sums(), m.sumSquares()));
    return new EncodedData[] {EncodedData.of(data.train(), enc, spec.label()),
        EncodedData.of(data.test(), enc, spec.label())};
  }

  private static double auc(JobSpec spec, double[] params, EncodedData test) {
    double[][] x = test.x();
    double[] y = test.y();
    double[] s = new double[x.length];
    boolean[] l = new boolean[x.length];
    for (int i = 0; i < x.length; i++) {
      s[i] = spec.architecture().predict(params, x[i]);
      l[i] = y[i] == 1;
    }
    return BinaryMetrics.auc(s, l);
  }

  @Test
  void plan_stepsAreEpochsOverSamplingRate() {
    JobSpec spec = churn(ModelSpec.logisticRegression(0), 1, 1, 100, 2);
    DpSteps s = DpSgdTrainer.plan(spec, 1000);
    assertEquals(0.1, s.samplingRate(), 1e-12);
    assertEquals(20, s.steps());
    assertEquals(1.0, DpSgdTrainer.plan(spec, 50).samplingRate(), "a batch larger than the data takes everything");
  }

  @ParameterizedTest
  @ValueSource(strings = {"lr", "mlp"})
  void train_moderateNoise_learnsChurn(String type) {
    ModelSpec model = type.equals("lr") ? ModelSpec.logisticRegression(1e-4) : ModelSpec.mlp(8, 1e-4);
    JobSpec spec = churn(model, 1.0, 1.0, 256, 3);
    EncodedData[] d = churnData(spec);
    TrainResult r = new DpSgdTrainer(new SecureRandom()).train(spec,
        spec.architecture().initialParameters(1), d[0]);
    double auc = auc(spec, r.parameters(), d[1]);
    assertTrue(auc > 0.78, type + " DP-SGD churn AUC " + auc);
  }

  @Test
  void train_hugeNoise_updateIsNoise_tinyClipAndNoise_updateBarelyMoves() {
    JobSpec loud = churn(ModelSpec.logisticRegression(0), 1000, 1.0, 512, 1);
    EncodedData[] d = churnData(loud);
    double[] start = loud.architecture().initialParameters(1);
    double[] a = new DpSgdTrainer(new SecureRandom()).train(loud, start, d[0]).parameters();
    JobSpec quiet = churn(ModelSpec.logisticRegression(0), 1e-6, 1e-6, 512, 1);
    double[] b = new DpSgdTrainer(new SecureRandom()).train(quiet, start, d[0]).parameters();
    double moveLoud = 0;
    double moveQuiet = 0;
    for (int i = 0; i < start.length; i++) {
      moveLoud += Math.abs(a[i] - start[i]);
      moveQuiet += Math.abs(b[i] - start[i]);
    }
    assertTrue(moveLoud > 1, "noise of sigma 1000 moves the model: " + moveLoud);
    assertTrue(moveQuiet < 1e-3, "gradients clipped to 1e-6 move it by at most steps * lr * C / (q n) * dims: "
        + moveQuiet);
  }

  @Test
  void train_clipAboveEveryGradient_noNoiseLimit_matchesPlainGradientDirection() {
    // with a huge clip and negligible noise, one full-data step (q = 1) is plain gradient descent
    JobSpec spec = new JobSpec("j", "churn", ModelSpec.mlp(4, 0), Datasets.churnFeatures(), Datasets.churnLabel(),
        List.of("a"), 1, 1, 0.1, 1_000_000, 1, 1, new PrivacySpec(false, new DpSpec(1e-20, 1e6, 1e-5)));
    EncodedData[] d = churnData(spec);
    double[] start = spec.architecture().initialParameters(3);
    double[] dp = new DpSgdTrainer(new SecureRandom()).train(spec, start, d[0]).parameters();
    double[] plain = new dev.tandem.node.training.LocalTrainer()
        .train(spec.withPrivacy(PrivacySpec.none()), start, d[0], 1).parameters();
    for (int i = 0; i < start.length; i++) {
      assertEquals(plain[i], dp[i], 1e-6, "parameter " + i);
    }
  }
}
