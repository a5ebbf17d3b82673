package dev.tandem.node.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.model.DpSpec;
import dev.tandem.model.FeatureSpec;
import dev.tandem.model.JobSpec;
import dev.tandem.model.LabelSpec;
import dev.tandem.model.ModelSpec;
import dev.tandem.model.Normalization;
import dev.tandem.model.PrivacySpec;
import dev.tandem.node.config.NodeConfig;
import dev.tandem.node.consent.ConsentPolicy;
import dev.tandem.node.data.DataSourceConfig;
import dev.tandem.node.policy.DpRule;
import dev.tandem.node.policy.PurposePolicy;
import dev.tandem.node.policy.SitePolicy;
import dev.tandem.node.privacy.PrivacyBudget;
import dev.tandem.node.privacy.PrivacyBudgets;
import dev.tandem.proto.v1.EvaluationReport;
import dev.tandem.proto.v1.ModelUpdate;
import dev.tandem.proto.v1.StatsReport;
import dev.tandem.proto.v1.Task;
import dev.tandem.proto.v1.TaskDeclined;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The site policy decides, whatever a job says: each job a dishonest coordinator could send is
 * declined with the rule it breaks, and nothing computed from the records leaves.
 */
class SitePolicyEnforcementTest {
  @TempDir Path dir;

  private static final List<String> SITES = List.of("a", "b");
  private static final int TRAIN_ROWS = 30;
  private static final int TEST_ROWS = 8;

  private static JobSpec job(List<String> features, PrivacySpec privacy, List<String> sites) {
    return new JobSpec("job-1", "churn", ModelSpec.logisticRegression(0),
        features.stream().map(FeatureSpec::numeric).toList(), LabelSpec.positiveIf("y", "1"), sites, 3, 1, 0.1, 8,
        privacy.secureAggregation() ? 2 : 1, 7, privacy);
  }

  private static JobSpec job(PrivacySpec privacy) {
    return job(List.of("f"), privacy, SITES);
  }

  private NodeHarness node(UnaryOperator<NodeConfig> configure) throws Exception {
    List<String> train = new ArrayList<>(List.of("id,f,g,y"));
    for (int i = 0; i < TRAIN_ROWS; i++) {
      train.add("s%02d,%s,%d,%d".formatted(i, i / 10.0, i % 3, i % 2));
    }
    List<String> test = new ArrayList<>(List.of("id,f,g,y"));
    for (int i = 0; i < TEST_ROWS; i++) {
      test.add("t%02d,%s,%d,%d".formatted(i, i / 5.0, i % 3, i % 2));
    }
    Files.write(dir.resolve("train.csv"), train);
    Files.write(dir.resolve("test.csv"), test);
    DataSourceConfig source = DataSourceConfig.of(dir.resolve("train.csv"), "id").withTestCsv(dir.resolve("test.csv"));
    NodeHarness node = new NodeHarness(dir, source, c -> configure.apply(new NodeConfig(c.site(), c.coordinator(),
        c.tls(), c.data(), c.databaseUrl(), c.maxMessageBytes(), PrivacyBudgets.defaults(),
        new ConsentPolicy(Set.of("churn"), Set.of(), 5))));
    node.grant("churn", node.data.trainIds());
    node.grant("churn", node.data.testIds());
    node.clock.advance(java.time.Duration.ofMinutes(1));
    return node;
  }

  /** The policy of the defaults for consent floor 5, with {@code churn} as given. */
  private static UnaryOperator<NodeConfig> churn(UnaryOperator<PurposePolicy> rule) {
    return c -> c.withPolicy(new SitePolicy(c.policy().defaults(),
        Map.of("churn", rule.apply(c.policy().forPurpose("churn")))));
  }

  private static TaskDeclined declined(NodeHarness node) {
    assertTrue(node.coordinator.received.stream().noneMatch(m -> m instanceof ModelUpdate
        || m instanceof StatsReport || m instanceof EvaluationReport), "nothing computed from the records left: "
        + node.coordinator.received);
    return node.coordinator.last(TaskDeclined.class);
  }

  private static void assertRefused(TaskDeclined d, String code, String... phrases) {
    assertEquals(code, d.getCode(), d.getReason());
    for (String p : phrases) {
      assertTrue(d.getReason().contains(p), "'" + p + "' in: " + d.getReason());
    }
  }

  private static Task train(NodeHarness node, JobSpec job) {
    return node.train(job, 1, Normalization.identity(job.numericFeatures().size()),
        new double[job.architecture().parameterCount()]);
  }

  @Test
  void train_plainJobUnderTheDefaultPolicy_declinedForSecureAggregation() throws Exception {
    try (NodeHarness node = node(c -> c)) {
      node.handle(train(node, job(PrivacySpec.none())));
      assertRefused(declined(node), "PERMISSION_DENIED", "site policy rule 'requireSecureAggregation'");
    }
  }

  @Test
  void train_jobWithoutDpForAPurposeWithABudget_declinedNotTrainedWithoutNoise() throws Exception {
    // the coordinator drops the dp section (or misspells its key): the purpose's budget requires DP
    UnaryOperator<NodeConfig> budgeted = c -> new NodeConfig(c.site(), c.coordinator(), c.tls(), c.data(),
        c.databaseUrl(), c.maxMessageBytes(), new PrivacyBudgets(PrivacyBudget.DEFAULT,
            Map.of("churn", new PrivacyBudget(3, 1e-5))), c.consent());
    try (NodeHarness node = node(budgeted)) {
      assertTrue(node.config.policy().forPurpose("churn").dp().required(), "a budget implies DP by default");
      node.handle(node.stats(job(PrivacySpec.secure()), 0));
      assertRefused(declined(node), "PERMISSION_DENIED", "requires differential privacy",
          "site policy rule 'dp.required'");
    }
  }

  @Test
  void stats_jobNamingAColumnOutsideThePurposesList_permissionDeniedNamingTheColumn() throws Exception {
    try (NodeHarness node = node(churn(p -> p.withColumns(Set.of("f", "y"))))) {
      node.handle(node.stats(job(List.of("f", "g"), PrivacySpec.secure(), SITES), 0));
      assertRefused(declined(node), "PERMISSION_DENIED", "column 'g'", "site policy rule 'columns'");
    }
  }

  @Test
  void stats_jobWhoseLabelIsOutsideThePurposesList_permissionDenied() throws Exception {
    try (NodeHarness node = node(churn(p -> p.withColumns(Set.of("f", "g"))))) {
      node.handle(node.stats(job(PrivacySpec.secure()), 0));
      assertRefused(declined(node), "PERMISSION_DENIED", "column 'y'");
    }
  }

  @Test
  void train_noiseBelowThePolicysMinimum_declined() throws Exception {
    try (NodeHarness node = node(churn(p -> p.withDp(new DpRule(true, Double.POSITIVE_INFINITY, 1.0))))) {
      node.handle(train(node, job(new PrivacySpec(true, new DpSpec(0.3, 1, 1e-5)))));
      assertRefused(declined(node), "PERMISSION_DENIED", "noise multiplier 0.3",
          "site policy rule 'dp.minNoiseMultiplier'");
    }
  }

  @Test
  void evaluate_fewerHeldOutRecordsThanTheEvaluationCohort_declined() throws Exception {
    // 8 held-out records: the default evaluation cohort follows the training cohort, here 10
    try (NodeHarness node = node(churn(p -> p.withCohorts(10, 10)))) {
      JobSpec job = job(PrivacySpec.secure());
      node.handle(node.evaluate(job, 1, Normalization.identity(1), new double[2]));
      assertRefused(declined(node), "FAILED_PRECONDITION", "8 held-out records",
          "site policy rule 'minEvaluationCohort'");
    }
  }

  @Test
  void stats_trainingCohortOfThePurpose_abovetheConsentFloor_declined() throws Exception {
    try (NodeHarness node = node(churn(p -> p.withCohorts(TRAIN_ROWS + 1, TRAIN_ROWS + 1)))) {
      node.handle(node.stats(job(PrivacySpec.secure()), 0));
      assertRefused(declined(node), "FAILED_PRECONDITION", TRAIN_ROWS + " training records",
          "site policy rule 'minTrainingCohort'");
    }
  }

  @Test
  void stats_partnerThePurposeDoesNotAccept_declined() throws Exception {
    try (NodeHarness node = node(churn(p -> new PurposePolicy(p.secureAggregation(), p.minTrainingCohort(),
        p.minEvaluationCohort(), p.minPaillierBits(), p.columns(), Set.of("b"), p.dp())))) {
      node.handle(node.stats(job(List.of("f"), PrivacySpec.secure(), List.of("a", "b", "rival")), 0));
      assertRefused(declined(node), "PERMISSION_DENIED", "partner(s) [rival]", "site policy rule 'partners'");
    }
  }

  @Test
  void train_secureJobButTaskWithoutSecureAggregation_declined() throws Exception {
    try (NodeHarness node = node(c -> c)) {
      node.handle(train(node, job(PrivacySpec.secure())));
      assertRefused(declined(node), "FAILED_PRECONDITION", "site policy rule 'requireSecureAggregation'");
    }
  }

  @Test
  void stats_jobThatMeetsThePolicy_answered() throws Exception {
    try (NodeHarness node = node(churn(p -> p.withColumns(Set.of("f", "y"))))) {
      JobSpec job = job(PrivacySpec.secure());
      // the moments leave only as a masked input: the node answers the secure statistics phase
      node.handle(node.stats(job, 0, dev.tandem.proto.v1.SecAggParams.newBuilder().setRoundId(job.jobId() + "/stats")
          .addAllParticipants(job.sites()).setThreshold(2).setFractionalBits(4).setClip(0x1p50)
          .setVectorLength(dev.tandem.model.aggregate.MomentsVector.length(job.numericFeatures().size())).build()));
      assertEquals(dev.tandem.proto.v1.SecAggStage.ADVERTISE_KEYS,
          node.coordinator.last(dev.tandem.proto.v1.SecAggMessage.class).getStage());
    }
  }
}
