package dev.tandem.node.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.model.DpSpec;
import dev.tandem.model.FeatureSpec;
import dev.tandem.model.JobSpec;
import dev.tandem.model.LabelSpec;
import dev.tandem.model.ModelSpec;
import dev.tandem.model.Normalization;
import dev.tandem.model.PrivacySpec;
import dev.tandem.model.aggregate.MetricsVector;
import dev.tandem.model.aggregate.MomentsVector;
import dev.tandem.node.config.NodeConfig;
import dev.tandem.node.consent.ConsentPolicy;
import dev.tandem.node.policy.SitePolicy;
import dev.tandem.node.data.DataSourceConfig;
import dev.tandem.node.privacy.DpReleases;
import dev.tandem.node.privacy.PrivacyBudgets;
import dev.tandem.proto.Wire;
import dev.tandem.proto.v1.EvaluateTask;
import dev.tandem.proto.v1.EvaluationReport;
import dev.tandem.proto.v1.SecAggMessage;
import dev.tandem.proto.v1.SecAggParams;
import dev.tandem.proto.v1.SecAggStage;
import dev.tandem.proto.v1.StatsReport;
import dev.tandem.proto.v1.StatsTask;
import dev.tandem.proto.v1.Task;
import dev.tandem.proto.v1.TaskDeclined;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tried as a dishonest coordinator would: nothing exact about one site's records leaves it outside
 * secure aggregation. A secure job's moments and evaluation leave only as masked inputs (a task asking
 * for them in the clear is declined), and under DP two statistics phases either side of one revocation
 * do not give the revoked person's values.
 */
class MaskedReleasesTest {
  @TempDir Path dir;

  private static final List<String> SITES = List.of("a", "b", "c");
  private static final List<FeatureSpec> FEATURES = List.of(FeatureSpec.numeric("f"), FeatureSpec.numeric("g"));

  private static JobSpec job(PrivacySpec privacy) {
    return new JobSpec("job-1", "churn", ModelSpec.logisticRegression(0), FEATURES, LabelSpec.positiveIf("y", "1"),
        SITES, 3, 1, 0.5, 4, 2, 7, privacy);
  }

  private Path csv() throws Exception {
    List<String> lines = new ArrayList<>(List.of("id,f,g,y"));
    for (int i = 1; i <= 40; i++) {
      lines.add("C-%02d,%s,%s,%d".formatted(i, i / 4.0, 100 - i, i % 2));
    }
    Path f = dir.resolve("a.csv");
    Files.write(f, lines);
    return f;
  }

  private NodeHarness node(double testFraction) throws Exception {
    return node(testFraction, false);
  }

  /** A node for churn; {@code allowPlain}: its policy lets a plain job's aggregates leave unmasked. */
  private NodeHarness node(double testFraction, boolean allowPlain) throws Exception {
    DataSourceConfig source = DataSourceConfig.of(csv(), "id").withTestFraction(testFraction);
    NodeHarness node = new NodeHarness(dir, source, c -> {
      NodeConfig n = new NodeConfig(c.site(), c.coordinator(), c.tls(), c.data(), c.databaseUrl(),
          c.maxMessageBytes(), PrivacyBudgets.defaults(), new ConsentPolicy(Set.of("churn"), Set.of(), 5));
      return allowPlain ? n.withPolicy(new SitePolicy(n.policy().defaults(),
          Map.of("churn", n.policy().forPurpose("churn").withSecureAggregation(false)))) : n;
    });
    node.grant("churn", node.data.trainIds());
    node.grant("churn", node.data.testIds());
    node.clock.advance(Duration.ofMinutes(1));
    return node;
  }

  private static SecAggParams params(String roundId, int length) {
    return SecAggParams.newBuilder().setRoundId(roundId).addAllParticipants(SITES).setThreshold(2)
        .setFractionalBits(16).setClip(1 << 30).setVectorLength(length).build();
  }

  private static Task.Builder task(JobSpec job, String id, int round) {
    return Task.newBuilder().setTaskId(id).setJobId(job.jobId()).setRound(round).setJob(Wire.toProto(job));
  }

  @Test
  void evaluate_secureJob_onlyAMaskedInputLeaves_neverTheHistogram() throws Exception {
    JobSpec job = job(PrivacySpec.secure());
    try (NodeHarness node = node(0.5)) {
      EvaluateTask.Builder e = EvaluateTask.newBuilder().setNormalization(Wire.toProto(Normalization.identity(2)))
          .setModel(Wire.parameters(new double[] {0.1, -0.2, 0.3}));
      // a coordinator that asks for the report in the clear is declined
      node.handle(task(job, "e-plain", 1).setEvaluate(e.clone()).build());
      assertTrue(node.coordinator.last(TaskDeclined.class).getReason().contains("only as a masked input"),
          node.coordinator.received.toString());
      // asked under secure aggregation, the node starts the round: its keys, not its metrics
      node.handle(task(job, "e-masked", 1).setEvaluate(e.clone()
          .setSecagg(params("job-1/e1", MetricsVector.length(1000))).setBins(1000)).build());
      SecAggMessage advert = node.coordinator.last(SecAggMessage.class);
      assertEquals(SecAggStage.ADVERTISE_KEYS, advert.getStage());
      assertFalse(node.coordinator.received.stream().anyMatch(m -> m instanceof EvaluationReport),
          "no evaluation report leaves: " + node.coordinator.received);
    }
  }

  @Test
  void stats_secureJobAskedInTheClear_declined_onlyKeysLeaveUnderSecureAggregation() throws Exception {
    JobSpec job = job(PrivacySpec.secure());
    try (NodeHarness node = node(0)) {
      node.handle(task(job, "s-plain", 0).setStats(StatsTask.getDefaultInstance()).build());
      assertTrue(node.coordinator.last(TaskDeclined.class).getReason().contains("feature moments only as a masked"),
          node.coordinator.received.toString());
      node.handle(task(job, "s-masked", 0).setStats(StatsTask.newBuilder()
          .setSecagg(params("job-1/stats", MomentsVector.length(2)))).build());
      assertEquals(SecAggStage.ADVERTISE_KEYS, node.coordinator.last(SecAggMessage.class).getStage());
      assertFalse(node.coordinator.received.stream().anyMatch(m -> m instanceof StatsReport),
          "no moments leave in the clear: " + node.coordinator.received);
    }
  }

  @Test
  void stats_dpBeforeAndAfterOneRevocation_differenceIsNotThePersonsValues_andEachReleaseIsCharged()
      throws Exception {
    DpSpec dp = new DpSpec(1.1, 1, 1e-5, false, Map.of("f", new DpSpec.Range(0, 10),
        "g", new DpSpec.Range(0, 100)));
    JobSpec job = job(new PrivacySpec(false, dp));
    // a plain DP job, so the test can read what the node releases: its noisy moments
    try (NodeHarness node = node(0, true)) {
      node.handle(task(job, "s1", 0).setStats(StatsTask.getDefaultInstance()).build());
      StatsReport before = node.coordinator.last(StatsReport.class);
      node.stores.consent().revoke("C-07", "churn", "test", "v1");
      node.clock.advance(Duration.ofMinutes(1));
      node.handle(task(job.withJobId("job-2"), "s2", 0).setStats(StatsTask.getDefaultInstance()).build());
      StatsReport after = node.coordinator.last(StatsReport.class);
      assertFalse(before == after, "two reports");
      // C-07 has f = 1.75, g = 93: the differences of the released sums would be exactly these
      double df = before.getMoments(0).getSum() - after.getMoments(0).getSum();
      double dg = before.getMoments(1).getSum() - after.getMoments(1).getSum();
      double dfSquares = before.getMoments(0).getSumSquares() - after.getMoments(0).getSumSquares();
      // noise std on g's sum: 10 * sqrt(7) * 100 = 2,646; a difference within 0.5 of 93 has probability < 3e-4
      assertFalse(Math.abs(dg - 93) < 0.5 && Math.abs(df - 1.75) < 0.05 && Math.abs(dfSquares - 3.0625) < 0.05,
          "the coordinator read the revoked person's values: " + df + ", " + dg);
      // each release was charged: two steps of the Gaussian mechanism at rate 1
      assertEquals(2, node.ledger.spends("churn").stream()
          .filter(s -> s.steps().equals(DpReleases.cost(dp))).count());
      assertTrue(node.ledger.spent("churn", 1e-5).epsilon() > 0);
    }
  }
}
