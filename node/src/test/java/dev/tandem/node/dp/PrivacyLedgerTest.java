package dev.tandem.node.dp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.crypto.dp.RdpAccountant;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrivacyLedgerTest {
  @TempDir Path dir;

  private String url() {
    return "jdbc:h2:file:" + dir.resolve("ledger").toAbsolutePath();
  }

  @Test
  void spent_composesEveryRoundOfThePurpose_andSurvivesReopening() {
    DpSteps round = new DpSteps(0.01, 1.1, 100);
    try (PrivacyLedger ledger = PrivacyLedger.open(url())) {
      ledger.record("churn", "job-1", 1, round, Instant.EPOCH);
      ledger.record("churn", "job-1", 2, round, Instant.EPOCH);
      ledger.record("credit-risk", "job-2", 1, round, Instant.EPOCH);
    }
    try (PrivacyLedger ledger = PrivacyLedger.open(url())) {
      double expected = RdpAccountant.empty().compose(0.01, 1.1, 200).spent(1e-5).epsilon();
      assertEquals(expected, ledger.spent("churn", 1e-5).epsilon(), 1e-12);
      assertEquals(expected, ledger.spentOnJob("job-1", 1e-5).epsilon(), 1e-12);
      assertEquals(RdpAccountant.empty().compose(0.01, 1.1, 100).spent(1e-5).epsilon(),
          ledger.spent("credit-risk", 1e-5).epsilon(), 1e-12);
      assertEquals(0, ledger.spent("health-risk", 1e-5).epsilon());
    }
  }

  @Test
  void check_roundPastTheBudget_refusedWithTheEpsilonLeft() {
    try (PrivacyLedger ledger = PrivacyLedger.open(url())) {
      DpSteps round = new DpSteps(0.1, 2.0, 50);
      PrivacyBudget budget = new PrivacyBudget(3, 1e-5);
      int rounds = 0;
      while (ledger.check("churn", round, budget).isEmpty()) {
        ledger.record("churn", "j", ++rounds, round, Instant.EPOCH);
        assertTrue(rounds < 1000);
      }
      assertTrue(rounds >= 2, "several rounds fit the budget: " + rounds);
      Optional<PrivacyLedger.Refusal> refusal = ledger.check("churn", round, budget);
      double spent = ledger.spent("churn", 1e-5).epsilon();
      assertTrue(spent <= 3, "never past the budget: " + spent);
      assertEquals(3 - spent, refusal.get().epsilonLeft(), 1e-9);
      assertTrue(refusal.get().message().contains("purpose 'churn' would reach epsilon"), refusal.get().message());
      assertTrue(ledger.check("credit-risk", round, budget).isEmpty(), "budgets are per purpose");
    }
  }
}
