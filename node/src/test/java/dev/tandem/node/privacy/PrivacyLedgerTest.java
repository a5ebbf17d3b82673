package dev.tandem.node.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.crypto.dp.PrivacySpent;
import dev.tandem.crypto.dp.RdpAccountant;
import dev.tandem.node.training.DpSteps;
import dev.tandem.testkit.TestDatabases;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

/** On embedded H2 and on PostgreSQL. */
@ParameterizedClass
@ValueSource(strings = {TestDatabases.H2, TestDatabases.POSTGRESQL})
class PrivacyLedgerTest {
  @Parameter String database;
  @TempDir Path dir;

  private static final double DELTA = 1e-5;
  /** A churn-like round: q = 128 / 5587, 87 steps. */
  private static final DpSteps ROUND = new DpSteps(128.0 / 5587, 1.0, 87, DELTA);
  private static final DpSteps OTHER = new DpSteps(0.05, 1.5, 40, DELTA);

  private PrivacyLedger ledger;

  @BeforeEach
  void open() {
    ledger = PrivacyLedger.open(TestDatabases.url(database, dir, "ledger"));
  }

  @AfterEach
  void close() {
    ledger.close();
  }

  private static double epsilon(RdpAccountant a, double delta) {
    return a.spent(delta).epsilon();
  }

  @Test
  void spent_nothingRecorded_isZero() {
    PrivacySpent s = ledger.spent("churn", DELTA);
    assertEquals(0, s.epsilon());
    assertEquals(DELTA, s.delta());
    assertEquals(0, ledger.spentOnJob("job-1", DELTA).epsilon());
  }

  @Test
  void spent_severalRoundsAndJobs_composesLikeTheAccountant() {
    ledger.record("churn", "job-1", 1, ROUND);
    ledger.record("churn", "job-1", 2, ROUND);
    ledger.record("churn", "job-2", 1, OTHER);
    ledger.record("credit", "job-3", 1, OTHER);
    RdpAccountant churn = RdpAccountant.empty().compose(ROUND.samplingRate(), 1.0, 87)
        .compose(ROUND.samplingRate(), 1.0, 87).compose(0.05, 1.5, 40);
    assertEquals(epsilon(churn, DELTA), ledger.spent("churn", DELTA).epsilon(), 1e-12);
    assertEquals(epsilon(churn, 1e-3), ledger.spent("churn", 1e-3).epsilon(), 1e-12);
    // two rounds of the same (q, sigma) are 174 steps of it
    RdpAccountant job1 = RdpAccountant.empty().compose(ROUND.samplingRate(), 1.0, 174);
    assertEquals(epsilon(job1, DELTA), ledger.spentOnJob("job-1", DELTA).epsilon(), 1e-12);
    assertEquals(OTHER.spent().epsilon(), ledger.spent("credit", DELTA).epsilon(), 1e-12);
    double one = ROUND.spent().epsilon();
    double two = ledger.spentOnJob("job-1", DELTA).epsilon();
    assertTrue(two > one && two < 2 * one, "RDP composes better than adding epsilons: " + one + " -> " + two);
  }

  @Test
  void wouldSpend_nextRound_isWhatRecordingItGives() {
    ledger.record("churn", "job-1", 1, ROUND);
    PrivacySpent would = ledger.wouldSpend("churn", OTHER);
    ledger.record("churn", "job-1", 2, OTHER);
    assertEquals(ledger.spent("churn", DELTA), would);
  }

  @Test
  void record_databaseReopened_keepsEverySpend() {
    String url = TestDatabases.url(database, dir, "node");
    Instant t = Instant.parse("2024-03-01T10:15:30Z");
    try (PrivacyLedger first = PrivacyLedger.open(url, Clock.fixed(t, ZoneOffset.UTC))) {
      first.record("churn", "job-1", 1, ROUND);
      first.record("churn", "job-1", 2, OTHER);
    }
    try (PrivacyLedger reopened = PrivacyLedger.open(url)) {
      assertEquals(List.of(new PrivacyLedger.Spend(t, "churn", "job-1", 1, ROUND),
          new PrivacyLedger.Spend(t, "churn", "job-1", 2, OTHER)), reopened.spends("churn"));
      double expected = epsilon(OTHER.composeInto(ROUND.composeInto(RdpAccountant.empty())), DELTA);
      assertEquals(expected, reopened.spent("churn", DELTA).epsilon(), 1e-12);
    }
  }

  @Test
  void check_roundPastTheBudget_isRefusedWithTheEpsilonLeft() {
    double afterTwo = epsilon(RdpAccountant.empty().compose(ROUND.samplingRate(), 1.0, 174), DELTA);
    double afterThree = epsilon(RdpAccountant.empty().compose(ROUND.samplingRate(), 1.0, 261), DELTA);
    PrivacyBudget budget = new PrivacyBudget((afterTwo + afterThree) / 2, DELTA);
    assertTrue(ledger.charge("churn", "job-1", 1, ROUND, budget).allowed());
    assertTrue(ledger.charge("churn", "job-1", 2, ROUND, budget).allowed());
    BudgetCheck third = ledger.check("churn", ROUND, budget);
    assertFalse(third.allowed());
    assertEquals(afterTwo, third.epsilonSpent(), 1e-12);
    assertEquals(afterThree, third.epsilonAfter(), 1e-12);
    assertEquals(budget.epsilon() - afterTwo, third.epsilonLeft(), 1e-12);
    String expected = String.format(Locale.ROOT,
        "privacy budget of purpose 'churn' would reach epsilon %.2f > %.2f at delta 1e-05 (%.2f left)",
        afterThree, budget.epsilon(), budget.epsilon() - afterTwo);
    assertEquals(expected, third.refusal().orElseThrow());
    assertEquals(third.refusal(), ledger.refusal("churn", ROUND, budget));
    BudgetCheck refused = ledger.charge("churn", "job-1", 3, ROUND, budget);
    assertFalse(refused.allowed());
    assertEquals(2, ledger.spends("churn").size(), "a refused charge records nothing");
    assertTrue(ledger.check("credit", ROUND, budget).allowed(), "other purposes have their own budget");
  }

  @Test
  void check_jobDeltaDiffersFromTheBudget_accountsAtTheBudgetDelta() {
    DpSteps looseDelta = new DpSteps(ROUND.samplingRate(), 1.0, 87, 1e-3);
    ledger.record("churn", "job-1", 1, looseDelta);
    PrivacyBudget budget = new PrivacyBudget(100, 1e-7);
    BudgetCheck c = ledger.check("churn", looseDelta, budget);
    RdpAccountant two = RdpAccountant.empty().compose(ROUND.samplingRate(), 1.0, 174);
    assertEquals(epsilon(two, 1e-7), c.epsilonAfter(), 1e-12);
    assertTrue(c.epsilonAfter() > epsilon(two, 1e-3), "a smaller delta costs more epsilon");
    assertEquals(epsilon(two, 1e-3), ledger.wouldSpend("churn", looseDelta).epsilon(), 1e-12);
  }

  @Test
  void charge_concurrentCallers_neverOverspend() throws Exception {
    double afterFive = epsilon(RdpAccountant.empty().compose(ROUND.samplingRate(), 1.0, 5 * 87), DELTA);
    PrivacyBudget budget = new PrivacyBudget(afterFive + 1e-9, DELTA);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<BudgetCheck>> checks = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        int round = i;
        checks.add(pool.submit(() -> ledger.charge("churn", "job-1", round, ROUND, budget)));
      }
      int allowed = 0;
      for (Future<BudgetCheck> f : checks) {
        allowed += f.get().allowed() ? 1 : 0;
      }
      assertEquals(5, allowed);
    } finally {
      pool.shutdown();
      assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
    }
    assertEquals(5, ledger.spends("churn").size());
    assertTrue(ledger.spent("churn", DELTA).epsilon() <= budget.epsilon());
  }

  @Test
  void record_badArguments_areRejected() {
    assertThrows(IllegalArgumentException.class, () -> ledger.record(" ", "job-1", 1, ROUND));
    assertThrows(IllegalArgumentException.class, () -> ledger.record("churn", "", 1, ROUND));
    assertThrows(IllegalArgumentException.class, () -> ledger.record("churn", "j".repeat(65), 1, ROUND));
    assertThrows(IllegalArgumentException.class, () -> ledger.record("churn", "job-1", -1, ROUND));
    assertThrows(IllegalArgumentException.class, () -> ledger.record("p".repeat(1001), "job-1", 1, ROUND));
    assertThrows(NullPointerException.class, () -> ledger.record("churn", "job-1", 1, null));
    assertThrows(IllegalArgumentException.class, () -> ledger.spent("churn", 0));
    assertTrue(ledger.spends("churn").isEmpty());
  }

  @Test
  void open_unusableUrl_failsWithTheUrl() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> PrivacyLedger.open("jdbc:nosuchdb:x"));
    assertTrue(e.getMessage().contains("jdbc:nosuchdb:x"), e.getMessage());
  }
}
