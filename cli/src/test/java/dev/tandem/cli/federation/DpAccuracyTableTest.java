package dev.tandem.cli.federation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.cli.demo.Baseline;
import dev.tandem.crypto.dp.PrivacyPlanner;
import dev.tandem.model.DpSpec;
import dev.tandem.node.privacy.DpReleases;
import dev.tandem.model.FeatureSpec;
import dev.tandem.model.JobSpec;
import dev.tandem.model.LabelSpec;
import dev.tandem.model.ModelSpec;
import dev.tandem.model.PrivacySpec;
import dev.tandem.model.RowView;
import dev.tandem.node.data.DataSourceConfig;
import dev.tandem.node.data.LocalData;
import dev.tandem.node.training.Datasets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Held-out AUC of federated logistic regression (3 sites, secure aggregation) at epsilon 1, 3, 8
 * and without DP, delta 1e-5, on the telco churn and UCI default credit horizontal splits. Writes
 * the README's table to target/dp-accuracy.md.
 */
class DpAccuracyTableTest {
  @TempDir Path dir;

  static final List<String> SITES = List.of("site-a", "site-b", "site-c");
  static final double[] EPSILONS = {1, 3, 8, Double.POSITIVE_INFINITY};

  private record Case(String name, Path csv, String id, List<FeatureSpec> features, LabelSpec label,
      Map<String, DpSpec.Range> ranges) {}

  private double[] aucs(Case c) throws Exception {
    Map<String, DataSourceConfig> configs = LocalFederation.splitByHash(c.csv(), c.id(), SITES,
        dir.resolve(c.name()), 1);
    List<RowView> test = new ArrayList<>();
    List<Integer> sizes = new ArrayList<>();
    for (DataSourceConfig cfg : configs.values()) {
      LocalData d = LocalData.load(cfg);
      test.addAll(d.test());
      sizes.add(d.trainSize());
    }
    int rounds = 8;
    int batch = 256;
    double[] out = new double[EPSILONS.length];
    for (int k = 0; k < EPSILONS.length; k++) {
      PrivacySpec privacy = PrivacySpec.secure();
      double lr = 0.5;
      if (Double.isFinite(EPSILONS[k])) {
        double sigma = 0;
        for (int n : sizes) {
          double q = Math.min(1.0, batch / (double) n);
          long steps = rounds * Math.max(1, Math.round(1 / q));
          sigma = Math.max(sigma, PrivacyPlanner.noiseMultiplierFor(EPSILONS[k], q, steps, 1e-5,
              DpReleases.accountant(DpReleases.RELEASES_PER_JOB)) * 1.002);
        }
        privacy = new PrivacySpec(true, new DpSpec(sigma, 1.0, 1e-5, false, c.ranges()));
      }
      JobSpec spec = new JobSpec("", "credit-risk", ModelSpec.logisticRegression(1e-4), c.features(), c.label(),
          SITES, rounds, 1, lr, batch, 3, 5, privacy);
      try (LocalFederation fed = new LocalFederation(dir.resolve(c.name() + "-fed-" + k), configs)) {
        LocalFederation.Outcome o = fed.run(spec);
        assertEquals("SUCCEEDED", o.finished().getState(), o.finished().getReason());
        out[k] = Baseline.heldOutAuc(spec, o.model().normalization(), o.model().parameters(), test);
      }
    }
    return out;
  }

  /**
   * The credit features' ranges as a job would declare them: the UCI codebook's domains (amounts in NT
   * dollars, the PAY_* statuses -2..9), not read from the data.
   */
  private static Map<String, DpSpec.Range> creditRanges(List<FeatureSpec> credit) {
    Map<String, DpSpec.Range> r = new java.util.TreeMap<>();
    for (FeatureSpec f : credit) {
      String n = f.name();
      DpSpec.Range range = n.equals("LIMIT_BAL") ? new DpSpec.Range(0, 1_000_000)
          : n.equals("SEX") ? new DpSpec.Range(1, 2)
          : n.equals("EDUCATION") ? new DpSpec.Range(0, 6)
          : n.equals("MARRIAGE") ? new DpSpec.Range(0, 3)
          : n.equals("AGE") ? new DpSpec.Range(18, 100)
          : n.startsWith("PAY_AMT") ? new DpSpec.Range(0, 1_000_000)
          : n.startsWith("PAY_") ? new DpSpec.Range(-2, 9)
          : new DpSpec.Range(-200_000, 1_000_000); // BILL_AMT*
      r.put(n, range);
    }
    return r;
  }

  @Test
  void aucAtEpsilon1_3_8_andWithoutDp_onChurnAndDefaultCredit() throws Exception {
    List<FeatureSpec> credit = new ArrayList<>();
    for (String f : List.of("LIMIT_BAL", "SEX", "EDUCATION", "MARRIAGE", "AGE", "PAY_0", "PAY_2", "PAY_3", "PAY_4",
        "PAY_5", "PAY_6", "BILL_AMT1", "BILL_AMT2", "BILL_AMT3", "BILL_AMT4", "BILL_AMT5", "BILL_AMT6", "PAY_AMT1",
        "PAY_AMT2", "PAY_AMT3", "PAY_AMT4", "PAY_AMT5", "PAY_AMT6")) {
      credit.add(FeatureSpec.numeric(f));
    }
    List<Case> cases = List.of(
        new Case("churn", Datasets.churnCsv(), Datasets.CHURN_ID, Datasets.churnFeatures(), Datasets.churnLabel(),
            Datasets.churnRanges()),
        new Case("default-credit", Datasets.file("credit/uci_default_credit_card.csv"), "ID", credit,
            LabelSpec.positiveIf("default.payment.next.month", "1"), creditRanges(credit)));
    StringBuilder table = new StringBuilder(
        "| data (3 sites) | epsilon 1 | epsilon 3 | epsilon 8 | no DP |\n|---|---|---|---|---|\n");
    for (Case c : cases) {
      double[] auc = aucs(c);
      table.append(String.format(Locale.ROOT, "| %s | %.4f | %.4f | %.4f | %.4f |%n", c.name(), auc[0], auc[1],
          auc[2], auc[3]));
      assertTrue(auc[0] > 0.6, c.name() + " at epsilon 1: " + auc[0]);
      assertTrue(auc[2] > auc[3] - 0.05, c.name() + " at epsilon 8 " + auc[2] + " vs no DP " + auc[3]);
    }
    System.out.print(table);
    Path out = Path.of("target", "dp-accuracy.md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, table.toString());
  }
}
