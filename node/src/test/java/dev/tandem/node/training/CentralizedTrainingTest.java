package dev.tandem.node.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.model.FeatureEncoder;
import dev.tandem.model.JobSpec;
import dev.tandem.model.ModelSpec;
import dev.tandem.model.Normalization;
import dev.tandem.model.RowView;
import dev.tandem.node.data.DataSourceConfig;
import dev.tandem.node.data.LocalData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** All rows at one site: the bar that federated training is measured against. */
class CentralizedTrainingTest {

  private static LocalData churn;

  @BeforeAll
  static void load() {
    churn = LocalData.load(DataSourceConfig.of(Datasets.churnCsv(), Datasets.CHURN_ID).withSplitSeed(2024));
  }

  private static JobSpec churnJob(ModelSpec model, int epochs, double lr, int batch) {
    return Datasets.job("churn", model, Datasets.churnFeatures(), Datasets.churnLabel(), List.of("hq"), 1, epochs,
        lr, batch);
  }

  private static Evaluation trainAndTest(JobSpec spec, LocalData data) {
    return trainAndTest(spec, data.train(), data.test());
  }

  private static Evaluation trainAndTest(JobSpec spec, List<RowView> trainRows, List<RowView> testRows) {
    Normalization norm = FeatureMoments.of(trainRows, spec).toNormalization();
    FeatureEncoder enc = new FeatureEncoder(spec.features(), norm);
    EncodedData train = EncodedData.of(trainRows, enc, spec.label());
    EncodedData test = EncodedData.of(testRows, enc, spec.label());
    TrainResult r = new LocalTrainer().train(spec, spec.architecture().initialParameters(spec.seed()), train, 1);
    return new Evaluator().evaluate(spec, r.parameters(), test);
  }

  @Test
  void churnLogisticRegression_fewDozenEpochs_reachesHeldOutAuc083() {
    Evaluation e = trainAndTest(churnJob(ModelSpec.logisticRegression(1e-4), 30, 0.05, 64), churn);
    assertTrue(e.auc() >= 0.83, "held-out AUC " + e.auc());
    assertTrue(e.accuracy() >= 0.78, "held-out accuracy " + e.accuracy());
    assertEquals(e.auc(), e.histogram().auc(), 0.002);
  }

  @Test
  void churnMlp_fewDozenEpochs_reachesHeldOutAuc082() {
    Evaluation e = trainAndTest(churnJob(ModelSpec.mlp(16, 1e-4), 30, 0.05, 64), churn);
    assertTrue(e.auc() >= 0.82, "held-out AUC " + e.auc());
  }

  @Test
  void churnEncoding_schema_gives45ColumnsAndKeepsRowsWithBlankTotalCharges() {
    JobSpec spec = churnJob(ModelSpec.logisticRegression(0), 1, 0.1, 32);
    assertEquals(45, spec.inputDimension());
    FeatureMoments m = FeatureMoments.of(churn.train(), spec).merge(FeatureMoments.of(churn.test(), spec));
    // numeric features in order: SeniorCitizen, tenure, MonthlyCharges, TotalCharges (11 blanks)
    assertEquals(7043, m.counts()[0]);
    assertEquals(7032, m.counts()[3]);
    EncodedData all = EncodedData.of(churn.train(), new FeatureEncoder(spec.features(), m.toNormalization()),
        spec.label());
    assertEquals(churn.trainSize(), all.size());
  }

  @Test
  void heartLogisticRegression_fourHospitalsPooled_reachesHeldOutAuc085(@TempDir Path dir) {
    Map<String, Path> sites = Datasets.splitByColumn(Datasets.heartCsv(), Datasets.HEART_SITE, dir, "pid");
    assertEquals(List.of("cleveland", "hungarian", "switzerland", "va"), List.copyOf(sites.keySet()));
    List<RowView> train = new ArrayList<>();
    List<RowView> test = new ArrayList<>();
    int rows = 0;
    for (Path file : sites.values()) {
      LocalData site = LocalData.load(DataSourceConfig.of(file, "pid").withSplitSeed(7));
      train.addAll(site.train());
      test.addAll(site.test());
      rows += site.trainSize() + site.testSize();
    }
    assertEquals(920, rows);
    JobSpec spec = Datasets.job("health-risk", ModelSpec.logisticRegression(1e-3), Datasets.heartFeatures(),
        Datasets.heartLabel(), List.copyOf(sites.keySet()), 1, 60, 0.05, 32);
    assertEquals(22, spec.inputDimension());
    Evaluation e = trainAndTest(spec, train, test);
    assertTrue(e.auc() >= 0.85, "held-out AUC " + e.auc());
  }

  @Test
  void breastLogisticRegression_fateGuestAndHostPooled_reachesTestAuc098() {
    LocalData guest = LocalData.load(DataSourceConfig.of(Datasets.breastGuestCsv(), Datasets.BREAST_ID)
        .withTestCsv(Datasets.breastTestCsv()));
    LocalData host = LocalData.load(DataSourceConfig.of(Datasets.breastHostCsv(), Datasets.BREAST_ID)
        .withTestFraction(0));
    List<RowView> train = new ArrayList<>(guest.train());
    train.addAll(host.train());
    assertEquals(455, train.size());
    assertEquals(114, guest.testSize());
    JobSpec spec = Datasets.job("health-risk", ModelSpec.logisticRegression(1e-3), Datasets.breastFeatures(),
        Datasets.breastLabel(), List.of("all"), 1, 30, 0.05, 16);
    Evaluation e = trainAndTest(spec, train, guest.test());
    assertTrue(e.auc() >= 0.98, "test AUC " + e.auc());
  }
}
