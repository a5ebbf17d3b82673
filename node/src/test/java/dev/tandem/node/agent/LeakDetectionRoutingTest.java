package dev.tandem.node.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.model.FeatureSpec;
import dev.tandem.model.JobSpec;
import dev.tandem.model.LabelSpec;
import dev.tandem.model.ModelSpec;
import dev.tandem.model.PrivacySpec;
import dev.tandem.node.config.NodeConfig;
import dev.tandem.node.consent.ConsentPolicy;
import dev.tandem.node.data.DataSourceConfig;
import dev.tandem.node.policy.SitePolicy;
import dev.tandem.node.privacy.PrivacyBudgets;
import dev.tandem.node.watch.Access;
import dev.tandem.node.watch.Alert;
import dev.tandem.node.watch.LeakRule;
import dev.tandem.node.watch.WatchConfig;
import dev.tandem.model.aggregate.MomentsVector;
import dev.tandem.proto.v1.SecAggMessage;
import dev.tandem.proto.v1.SecAggParams;
import dev.tandem.proto.v1.SecAggStage;
import dev.tandem.proto.v1.StatsReport;
import dev.tandem.proto.v1.Task;
import dev.tandem.proto.v1.TaskDeclined;
import dev.tandem.proto.v1.VerticalJobSpec;
import dev.tandem.proto.v1.VerticalParty;
import dev.tandem.proto.v1.VerticalStage;
import dev.tandem.proto.v1.VerticalTask;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Leak detection at the task router: a partner a leak alert blocks gets PERMISSION_DENIED naming the
 * alert for every task of a job it is in, other partners' jobs are answered, and a burst of refused
 * tasks is itself an alert.
 */
class LeakDetectionRoutingTest {
  @TempDir Path dir;

  private static final int TRAIN_ROWS = 30;
  private static final WatchConfig SMALL = new WatchConfig(true, Duration.ofHours(1), 24, 5.0, 300, 200, 40, 5, 3,
      null, null, ZoneId.of("UTC"), true);

  private static JobSpec job(String id, List<String> sites, List<String> features) {
    return new JobSpec(id, "churn", ModelSpec.logisticRegression(0),
        features.stream().map(FeatureSpec::numeric).toList(), LabelSpec.positiveIf("y", "1"), sites, 3, 1, 0.1, 8, 2,
        7, PrivacySpec.secure());
  }

  private NodeHarness node() throws Exception {
    List<String> train = new ArrayList<>(List.of("id,f,g,y"));
    for (int i = 0; i < TRAIN_ROWS; i++) {
      train.add("s%02d,%s,%d,%d".formatted(i, i / 10.0, i % 3, i % 2));
    }
    Files.write(dir.resolve("train.csv"), train);
    DataSourceConfig source = DataSourceConfig.of(dir.resolve("train.csv"), "id");
    NodeHarness node = new NodeHarness(dir, source, c -> {
      NodeConfig n = new NodeConfig(c.site(), c.coordinator(), c.tls(), c.data(), c.databaseUrl(),
          c.maxMessageBytes(), PrivacyBudgets.defaults(), new ConsentPolicy(Set.of("churn"), Set.of(), 5));
      return n.withPolicy(new SitePolicy(n.policy().defaults(),
          Map.of("churn", n.policy().forPurpose("churn").withColumns(Set.of("f", "y"))))).withWatch(SMALL);
    });
    node.grant("churn", node.data.trainIds());
    node.clock.advance(Duration.ofMinutes(1));
    return node;
  }

  /** The statistics task of a secure job, with the round's secure aggregation parameters. */
  private static Task secureStats(NodeHarness node, JobSpec job) {
    return node.stats(job, 0, SecAggParams.newBuilder().setRoundId(job.jobId() + "/stats")
        .addAllParticipants(job.sites()).setThreshold(2).setFractionalBits(MomentsVector.FRACTIONAL_BITS)
        .setClip(MomentsVector.clip(job.sites().size()))
        .setVectorLength(MomentsVector.length(job.numericFeatures().size())).build());
  }

  @Test
  void stats_partnerBlockedByAScrapingAlert_permissionDeniedNamingItOthersServedUntilCleared() throws Exception {
    try (NodeHarness node = node()) {
      // partner b scrapes through scoring, as the scoring responder reports it: ids this node does not hold
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        ids.add("unknown-" + i);
      }
      Optional<String> refusal = node.stores.watch().admit(Access.scoring("b", "churn", ids, ids.size()));
      assertTrue(refusal.isPresent(), "60 ids outside, over 40");
      Alert alert = node.stores.watch().blocking("b").orElseThrow();
      assertEquals(LeakRule.OUTSIDE_INTERSECTION, alert.rule());

      node.handle(secureStats(node, job("job-ab", List.of("a", "b"), List.of("f"))));
      TaskDeclined d = node.coordinator.last(TaskDeclined.class);
      assertEquals("PERMISSION_DENIED", d.getCode(), d.getReason());
      assertTrue(d.getReason().contains("leak alert " + alert.id()), d.getReason());
      assertTrue(node.coordinator.received.stream().noneMatch(m -> m instanceof StatsReport || m instanceof SecAggMessage),
          "nothing left");

      // so is a vertical job with it
      node.handle(Task.newBuilder().setTaskId("v1").setJobId("vjob").setVerticalJob(VerticalJobSpec.newBuilder()
          .setJobId("vjob").setPurpose("churn").setGuest(VerticalParty.newBuilder().setSite("b"))
          .addHosts(VerticalParty.newBuilder().setSite("a"))).setVertical(VerticalTask.newBuilder()
          .setStage(VerticalStage.VERTICAL_SETUP)).build());
      TaskDeclined v = node.coordinator.last(TaskDeclined.class);
      assertEquals("v1", v.getTaskId());
      assertEquals("PERMISSION_DENIED", v.getCode(), v.getReason());
      assertTrue(v.getReason().contains("leak alert " + alert.id()), v.getReason());

      // a secure job's moments leave only as a masked input: serving the phase starts with the node's keys
      node.handle(secureStats(node, job("job-ac", List.of("a", "c"), List.of("f"))));
      assertEquals(SecAggStage.ADVERTISE_KEYS, node.coordinator.last(SecAggMessage.class).getStage(),
          "partner c unaffected");

      node.stores.watch().clear(alert.id(), "operator");
      int before = node.coordinator.received.size();
      node.handle(secureStats(node, job("job-ab", List.of("a", "b"), List.of("f"))));
      assertTrue(node.coordinator.received.get(before) instanceof SecAggMessage, "served again once cleared: "
          + node.coordinator.received.get(before));
    }
  }

  @Test
  void stats_burstOfRefusedTasks_raisesARefusalAlertThatBlocksThePartner() throws Exception {
    try (NodeHarness node = node()) {
      // column g is outside the purpose's list: each task is refused by the site policy
      for (int i = 0; i <= SMALL.maxRefusals(); i++) {
        node.handle(node.stats(job("probe-" + i, List.of("a", "d"), List.of("g")), 0));
      }
      Alert alert = node.stores.watch().blocking("d").orElseThrow();
      assertEquals(LeakRule.REFUSAL_BURST, alert.rule());
      node.handle(node.stats(job("job-ad", List.of("a", "d"), List.of("f")), 0));
      TaskDeclined d = node.coordinator.last(TaskDeclined.class);
      assertEquals("PERMISSION_DENIED", d.getCode());
      assertTrue(d.getReason().contains("leak alert " + alert.id()), d.getReason());
    }
  }
}
