package dev.tandem.cli.federation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.cli.demo.Baseline;
import dev.tandem.coordinator.jobs.JobEvent.SitePrivacy;
import dev.tandem.crypto.dp.PrivacyPlanner;
import dev.tandem.model.DpSpec;
import dev.tandem.node.privacy.DpReleases;
import dev.tandem.model.JobSpec;
import dev.tandem.model.ModelSpec;
import dev.tandem.model.PrivacySpec;
import dev.tandem.model.RowView;
import dev.tandem.node.data.DataSourceConfig;
import dev.tandem.node.data.LocalData;
import dev.tandem.node.privacy.PrivacyBudget;
import dev.tandem.node.privacy.PrivacyBudgets;
import dev.tandem.node.training.Datasets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Record-level differential privacy enforced by each node, under secure aggregation. */
class DifferentialPrivacyTest {
  @TempDir Path dir;

  static final List<String> SITES = List.of("branch-north", "branch-south", "branch-east");

  private Map<String, DataSourceConfig> branches() throws Exception {
    return LocalFederation.splitByHash(Datasets.churnCsv(), Datasets.CHURN_ID, SITES, dir.resolve("churn"), 0);
  }

  /** A DP job whose noise is calibrated so that every site spends at most {@code epsilon} over the job. */
  static JobSpec dpJob(double epsilon, int[] siteSizes, int rounds, int batch) {
    double sigma = 0;
    for (int n : siteSizes) {
      double q = Math.min(1.0, batch / (double) n);
      long steps = rounds * Math.max(1, Math.round(1 / q));
      // the job's statistics and final evaluation are charged too
      sigma = Math.max(sigma, PrivacyPlanner.noiseMultiplierFor(epsilon, q, steps, 1e-5,
          DpReleases.accountant(DpReleases.RELEASES_PER_JOB)) * 1.002);
    }
    return new JobSpec("", "churn", ModelSpec.logisticRegression(1e-4), Datasets.churnFeatures(),
        Datasets.churnLabel(), SITES, rounds, 1, 0.5, batch, 2, 4,
        new PrivacySpec(true, new DpSpec(sigma, 1.0, 1e-5, false, Datasets.churnRanges())));
  }

  @Test
  void dpJob_eachSiteWithinItsEpsilon_modelRecordsWhatEachSpent() throws Exception {
    Map<String, DataSourceConfig> configs = branches();
    int[] sizes = configs.values().stream().mapToInt(c -> LocalData.load(c).trainSize()).toArray();
    JobSpec spec = dpJob(3, sizes, 5, 256);
    List<RowView> test = new ArrayList<>();
    configs.values().forEach(c -> test.addAll(LocalData.load(c).test()));
    try (LocalFederation fed = new LocalFederation(dir.resolve("fed"), configs)) {
      LocalFederation.Outcome out = fed.run(spec);
      assertEquals("SUCCEEDED", out.finished().getState(), out.finished().getReason());
      List<SitePrivacy> spent = out.model().metrics().privacy();
      assertEquals(3, spent.size());
      for (SitePrivacy p : spent) {
        double ledger = fed.node(p.site()).privacyLedger().spentOnJob(out.model().job().jobId(), 1e-5).epsilon();
        assertEquals(ledger, p.epsilon(), 1e-9, "the version records what the site's ledger says");
        assertTrue(p.epsilon() <= 3.0 + 1e-6 && p.epsilon() > 1, p.site() + " spent " + p.epsilon());
        assertEquals(1e-5, p.delta());
      }
      double auc = Baseline.heldOutAuc(spec, out.model().normalization(), out.model().parameters(), test);
      assertTrue(auc > 0.75, "churn AUC at epsilon 3: " + auc);
    }
  }

  @Test
  void siteOutOfBudget_declinesWithResourceExhausted_jobGoesOnWithTheOthers() throws Exception {
    Map<String, DataSourceConfig> configs = branches();
    int[] sizes = configs.values().stream().mapToInt(c -> LocalData.load(c).trainSize()).toArray();
    JobSpec spec = dpJob(3, sizes, 2, 256);
    PrivacyBudgets tight = new PrivacyBudgets(PrivacyBudget.DEFAULT, Map.of("churn", new PrivacyBudget(0.5, 1e-5)));
    try (LocalFederation fed = new LocalFederation(dir.resolve("fed"), configs, site -> List.of(),
        site -> site.equals("branch-east") ? tight : PrivacyBudgets.defaults())) {
      LocalFederation.Outcome out = fed.run(spec);
      assertEquals("SUCCEEDED", out.finished().getState(), out.finished().getReason());
      assertEquals(List.of("branch-north", "branch-south"), out.model().metrics().sites());
      String notice = out.events().stream().filter(e -> e.hasSiteEvent() && e.getSiteEvent().getSite()
          .equals("branch-east")).findFirst().orElseThrow().getSiteEvent().getWhat();
      assertTrue(notice.contains("RESOURCE_EXHAUSTED") && notice.contains("purpose 'churn'")
          && notice.contains("left"), notice);
      double releaseOnly = DpReleases.accountant(1).spent(1e-5).epsilon();
      assertEquals(releaseOnly, fed.node("branch-east").privacyLedger().spent("churn", 1e-5).epsilon(), 1e-9,
          "a refused round spends nothing: only the statistics release is charged");
    }
  }
}
