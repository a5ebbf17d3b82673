package dev.tandem.cli.federation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.model.JobSpec;
import dev.tandem.model.ModelSpec;
import dev.tandem.model.PrivacySpec;
import dev.tandem.node.data.DataSourceConfig;
import dev.tandem.node.store.ContributionLog;
import dev.tandem.node.training.Datasets;
import dev.tandem.proto.v1.EvaluationReport;
import dev.tandem.proto.v1.HeadToSign;
import dev.tandem.proto.v1.SecAggMessage;
import dev.tandem.proto.v1.StatsReport;
import dev.tandem.proto.v1.SubscribeRequest;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Secure aggregation with real nodes training on real data. */
class SecureAggregationTest {
  @TempDir Path dir;

  @Test
  void secureJob_sameModelAsPlainFedAvg_andNodesSendNoPlainUpdate() throws Exception {
    List<String> sites = List.of("branch-north", "branch-south", "branch-east");
    Map<String, DataSourceConfig> configs = LocalFederation.splitByHash(Datasets.churnCsv(), Datasets.CHURN_ID, sites,
        dir.resolve("churn"), 0);
    JobSpec plain = new JobSpec("", "churn", ModelSpec.logisticRegression(1e-4), Datasets.churnFeatures(),
        Datasets.churnLabel(), sites, 3, 1, 0.05, 32, 2, 9);
    double[] plainModel;
    double plainAuc;
    try (LocalFederation fed = new LocalFederation(dir.resolve("plain"), configs)) {
      LocalFederation.Outcome out = fed.run(plain);
      assertEquals("SUCCEEDED", out.finished().getState(), out.finished().getReason());
      assertFalse(out.model().metrics().secureAggregation());
      plainModel = out.model().parameters();
      plainAuc = out.model().metrics().auc();
    }
    Map<String, OutboundRecorder> recorders = new LinkedHashMap<>();
    sites.forEach(s -> recorders.put(s, new OutboundRecorder()));
    try (LocalFederation fed = new LocalFederation(dir.resolve("secure"), configs,
        site -> List.of(recorders.get(site)))) {
      LocalFederation.Outcome out = fed.run(plain.withPrivacy(PrivacySpec.secure()));
      assertEquals("SUCCEEDED", out.finished().getState(), out.finished().getReason());
      assertTrue(out.model().metrics().secureAggregation());
      double[] secureModel = out.model().parameters();
      assertEquals(plainModel.length, secureModel.length);
      for (int i = 0; i < plainModel.length; i++) {
        assertEquals(plainModel[i], secureModel[i], 1e-5, "parameter " + i
            + ": the securely aggregated model is plain FedAvg up to the fixed-point precision");
      }
      assertEquals(plainAuc, out.model().metrics().auc(), 1e-3, "the held-out AUC from the secure sum of histograms");
      for (String site : sites) {
        Set<Class<?>> kinds = new HashSet<>();
        recorders.get(site).sent.forEach(s -> kinds.add(s.message().getClass()));
        // feature moments, updates and evaluation metrics all leave masked: no StatsReport, no EvaluationReport
        assertEquals(Set.of(SubscribeRequest.class, SecAggMessage.class, HeadToSign.class), kinds,
            site + " sent its moments, update and metrics only masked");
        assertFalse(kinds.contains(StatsReport.class) || kinds.contains(EvaluationReport.class));
        List<ContributionLog.Entry> log = fed.node(site).contributions().entries();
        for (String stage : List.of("secagg-advertise_keys", "secagg-share_keys", "secagg-masked_input",
            "secagg-unmasking")) {
          // one statistics phase, three training rounds, three evaluations
          assertEquals(7, log.stream().filter(e -> e.kind().equals(stage)).count(), site + " " + stage);
        }
        assertTrue(log.stream().allMatch(e -> e.outcome().equals("accepted")), log.toString());
      }
    }
  }
}
