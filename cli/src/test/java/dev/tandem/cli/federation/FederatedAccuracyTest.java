package dev.tandem.cli.federation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.cli.demo.Baseline;
import dev.tandem.model.FeatureSpec;
import dev.tandem.model.JobSpec;
import dev.tandem.model.LabelSpec;
import dev.tandem.model.ModelSpec;
import dev.tandem.model.RowView;
import dev.tandem.node.data.DataSourceConfig;
import dev.tandem.node.data.LocalData;
import dev.tandem.node.training.Datasets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Federated training over real mTLS gRPC against a centralized model trained on the union of the
 * same data, measured in the same test, on the public data sets in ../shared/data.
 */
class FederatedAccuracyTest {
  @TempDir Path dir;

  private record Split(Map<String, DataSourceConfig> sites, List<RowView> train, List<RowView> test) {}

  private static Split split(Map<String, DataSourceConfig> sites) {
    List<RowView> train = new ArrayList<>();
    List<RowView> test = new ArrayList<>();
    for (DataSourceConfig c : sites.values()) {
      LocalData d = LocalData.load(c);
      train.addAll(d.train());
      test.addAll(d.test());
    }
    return new Split(sites, train, test);
  }

  private static JobSpec job(String purpose, List<FeatureSpec> features, LabelSpec label, List<String> sites,
      int rounds, int epochs, double lr) {
    return new JobSpec("", purpose, ModelSpec.logisticRegression(1e-4), features, label, sites, rounds, epochs, lr,
        32, sites.size(), 11);
  }

  private double[] federatedVsCentralized(Split split, JobSpec spec, int centralEpochs) throws Exception {
    try (LocalFederation fed = new LocalFederation(dir.resolve("fed"), split.sites())) {
      LocalFederation.Outcome out = fed.run(spec);
      assertEquals("SUCCEEDED", out.finished().getState(), out.finished().getReason());
      assertEquals(spec.rounds(), out.model().round());
      assertEquals(new java.util.TreeSet<>(spec.sites()), new java.util.TreeSet<>(out.model().metrics().sites()),
          "every site contributed to the last round");
      double federated = Baseline.heldOutAuc(spec, out.model().normalization(), out.model().parameters(),
          split.test());
      double reported = out.model().metrics().auc();
      assertEquals(federated, reported, 0.005, "the AUC from the sites' score histograms matches the exact AUC");
      double centralized = Baseline.centralizedAuc(spec, split.train(), split.test(), centralEpochs);
      System.out.printf("%s: federated AUC %.4f, centralized %.4f%n", spec.purpose(), federated, centralized);
      return new double[] {federated, centralized};
    }
  }

  @Test
  void churn_threeBranches_withinOneHundredthOfCentralized() throws Exception {
    List<String> sites = List.of("branch-north", "branch-south", "branch-east");
    Map<String, DataSourceConfig> configs = LocalFederation.splitByHash(Datasets.churnCsv(), Datasets.CHURN_ID, sites,
        dir.resolve("churn"), 5);
    JobSpec spec = job("churn", Datasets.churnFeatures(), Datasets.churnLabel(), sites, 15, 1, 0.05);
    double[] auc = federatedVsCentralized(split(configs), spec, 60);
    assertTrue(auc[0] > 0.80, "federated churn AUC " + auc[0]);
    assertTrue(auc[0] >= auc[1] - 0.01, "federated " + auc[0] + " vs centralized " + auc[1]);
  }

  @Test
  void churn_mlp_threeBranches_trainsTheSecondModelType() throws Exception {
    List<String> sites = List.of("branch-north", "branch-south", "branch-east");
    Map<String, DataSourceConfig> configs = LocalFederation.splitByHash(Datasets.churnCsv(), Datasets.CHURN_ID, sites,
        dir.resolve("churn"), 5);
    JobSpec spec = new JobSpec("", "churn", ModelSpec.mlp(16, 1e-4), Datasets.churnFeatures(), Datasets.churnLabel(),
        sites, 10, 1, 0.05, 32, 3, 11);
    double[] auc = federatedVsCentralized(split(configs), spec, 30);
    assertEquals(spec.architecture().parameterCount(), 45 * 16 + 16 + 16 + 1);
    assertTrue(auc[0] > 0.82, "federated MLP churn AUC " + auc[0]);
    assertTrue(auc[0] >= auc[1] - 0.02, "federated MLP " + auc[0] + " vs centralized " + auc[1]);
  }

  @Test
  void heartDisease_fourHospitals_withinThreeHundredthsOfCentralized() throws Exception {
    Map<String, Path> files = Datasets.splitByColumn(Datasets.heartCsv(), Datasets.HEART_SITE, dir.resolve("heart"),
        "id");
    assertEquals(4, files.size(), "four hospitals");
    Map<String, DataSourceConfig> configs = new LinkedHashMap<>();
    files.forEach((site, file) -> configs.put(site, DataSourceConfig.of(file, "id").withSplitSeed(3)));
    JobSpec spec = job("health-risk", Datasets.heartFeatures(), Datasets.heartLabel(), List.copyOf(configs.keySet()),
        30, 2, 0.05);
    double[] auc = federatedVsCentralized(split(configs), spec, 120);
    assertTrue(auc[0] >= auc[1] - 0.03, "federated " + auc[0] + " vs centralized " + auc[1]);
  }

  @Test
  void breast_fateHorizontalSplit_heldOutAucAtLeast098() throws Exception {
    Map<String, DataSourceConfig> configs = new LinkedHashMap<>();
    configs.put("guest", new DataSourceConfig(Datasets.breastGuestCsv(), Datasets.BREAST_ID, Map.of(),
        Datasets.breastTestCsv(), DataSourceConfig.DEFAULT_TEST_FRACTION, 0));
    configs.put("host", new DataSourceConfig(Datasets.breastHostCsv(), Datasets.BREAST_ID, Map.of(),
        Datasets.breastTestCsv(), DataSourceConfig.DEFAULT_TEST_FRACTION, 0));
    JobSpec spec = job("health-risk", Datasets.breastFeatures(), Datasets.breastLabel(), List.of("guest", "host"),
        10, 2, 0.05);
    List<RowView> test = LocalData.load(configs.get("guest")).test();
    Split split = new Split(configs, List.of(), test);
    try (LocalFederation fed = new LocalFederation(dir.resolve("fed"), split.sites())) {
      LocalFederation.Outcome out = fed.run(spec);
      assertEquals("SUCCEEDED", out.finished().getState(), out.finished().getReason());
      double auc = Baseline.heldOutAuc(spec, out.model().normalization(), out.model().parameters(), test);
      System.out.printf("breast: federated held-out AUC %.4f on %d test rows%n", auc, test.size());
      assertEquals(114, test.size());
      assertTrue(auc >= 0.98, "breast held-out AUC " + auc);
    }
  }
}
