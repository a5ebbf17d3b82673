package dev.tandem.node.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.model.DpSpec;
import dev.tandem.model.FeatureSpec;
import dev.tandem.model.JobSpec;
import dev.tandem.model.LabelSpec;
import dev.tandem.model.ModelSpec;
import dev.tandem.model.PrivacySpec;
import dev.tandem.node.training.EncodedData;
import dev.tandem.node.training.LocalTraining;
import dev.tandem.node.training.RoundOutcome;
import dev.tandem.node.training.TrainResult;
import dev.tandem.node.policy.DpRule;
import dev.tandem.node.policy.SitePolicy;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DpTrainingTest {
  private PrivacyLedger ledger;
  private final AtomicInteger calls = new AtomicInteger();
  /** Stands in for the trainer: counts its calls and reports an exact loss. */
  private final LocalTraining inner = (job, round, global, data) -> {
    calls.incrementAndGet();
    return new RoundOutcome.Trained(new TrainResult(global, data.size(), 0.42), RoundOutcome.Spent.NONE);
  };

  private static final SitePolicy POLICY = SitePolicy.defaults(1, Set.of(), Set.of(), 2048);

  @BeforeEach
  void open() {
    ledger = PrivacyLedger.open("jdbc:h2:mem:dp-training-" + UUID.randomUUID());
  }

  @AfterEach
  void close() {
    ledger.close();
  }

  private static JobSpec job(PrivacySpec privacy) {
    return new JobSpec("job-1", "churn", ModelSpec.logisticRegression(0), List.of(FeatureSpec.numeric("f")),
        LabelSpec.positiveIf("y", "1"), List.of("a", "b"), 3, 1, 0.1, 10, 2, 1, privacy);
  }

  private static EncodedData data() {
    double[][] x = new double[100][1];
    double[] y = new double[100];
    return new EncodedData(x, y);
  }

  @Test
  void train_jobWithoutDp_passesThroughUnchargedWithItsLoss() {
    DpTraining dp = new DpTraining(inner, ledger, PrivacyBudgets.defaults(), POLICY);
    RoundOutcome.Trained t = assertInstanceOf(RoundOutcome.Trained.class,
        dp.train(job(PrivacySpec.secure()), 1, new double[2], data()));
    assertEquals(0.42, t.result().meanLoss());
    assertEquals(RoundOutcome.Spent.NONE, t.spent());
    assertNull(t.spent().auditedEpsilon());
    assertEquals(0, ledger.spent("churn", 1e-5).epsilon());
  }

  @Test
  void train_jobWithDp_chargedBeforeTrainingAndLossWithheld() {
    DpTraining dp = new DpTraining(inner, ledger, PrivacyBudgets.defaults(), POLICY);
    RoundOutcome.Trained t = assertInstanceOf(RoundOutcome.Trained.class,
        dp.train(job(new PrivacySpec(true, new DpSpec(1.1, 1, 1e-5))), 1, new double[2], data()));
    assertEquals(0, t.result().meanLoss(), "the exact loss does not leave under DP");
    assertEquals(10, t.result().sampleCount(), "nor the record count (100): the weight is the batch size");
    assertTrue(t.spent().epsilon() > 0 && t.spent().differentiallyPrivate());
    assertEquals(t.spent().epsilon(), ledger.spentOnJob("job-1", 1e-5).epsilon(), 1e-12);
  }

  @Test
  void train_budgetSpent_refusedWithoutTraining() {
    DpTraining dp = new DpTraining(inner, ledger,
        new PrivacyBudgets(PrivacyBudget.DEFAULT, Map.of("churn", new PrivacyBudget(0.01, 1e-5))), POLICY);
    RoundOutcome.Refused r = assertInstanceOf(RoundOutcome.Refused.class,
        dp.train(job(new PrivacySpec(true, new DpSpec(1.1, 1, 1e-5))), 1, new double[2], data()));
    assertEquals("RESOURCE_EXHAUSTED", r.code());
    assertTrue(r.reason().contains("privacy budget of purpose 'churn'"), r.reason());
    assertEquals(0, calls.get(), "a refused round is not trained");
  }

  @Test
  void train_jobBeyondThePolicysEpsilonPerJob_refusedNamingTheRuleThoughTheBudgetAllowsIt() {
    DpRule capped = new DpRule(true, 0.5, 0);
    SitePolicy policy = new SitePolicy(POLICY.defaults(), Map.of("churn", POLICY.defaults().withDp(capped)));
    DpTraining dp = new DpTraining(inner, ledger, PrivacyBudgets.defaults(), policy);
    JobSpec job = job(new PrivacySpec(true, new DpSpec(0.6, 1, 1e-5)));
    int trained = 0;
    RoundOutcome last = null;
    for (int round = 1; round <= 20 && !(last instanceof RoundOutcome.Refused); round++) {
      last = dp.train(job, round, new double[2], data());
      trained += last instanceof RoundOutcome.Trained ? 1 : 0;
    }
    RoundOutcome.Refused r = assertInstanceOf(RoundOutcome.Refused.class, last, "the cap binds within 20 rounds");
    assertTrue(r.reason().contains("site policy rule 'dp.maxEpsilonPerJob'"), r.reason());
    assertEquals(trained, calls.get());
    assertTrue(ledger.spentOnJob("job-1", 1e-5).epsilon() <= 0.5, "what was charged stays within the cap");
  }
}
