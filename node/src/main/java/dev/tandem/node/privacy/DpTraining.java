package dev.tandem.node.privacy;

import dev.tandem.model.JobSpec;
import dev.tandem.node.training.DpSteps;
import dev.tandem.node.training.EncodedData;
import dev.tandem.node.training.LocalTrainer;
import dev.tandem.node.training.LocalTraining;
import dev.tandem.node.training.RoundOutcome;
import dev.tandem.node.training.TrainResult;
import dev.tandem.node.policy.SitePolicy;
import java.util.Locale;
import java.util.Objects;

/**
 * Differential privacy as a decorator around a site's local training: for a job that asks for DP it
 * charges the round to the purpose's ledger before training (a crash after training cannot leave a
 * spend unrecorded), refuses the round when the purpose's budget or the site policy's per-job epsilon
 * ({@code dp.maxEpsilonPerJob}, at the budget's delta) would be exceeded, and withholds the exact
 * training loss and record count from what is sent (the update is weighted by the job's batch size). A
 * job without DP passes through unchanged.
 *
 * <p>Called from one worker thread at a time; the ledger is thread-safe.
 */
public final class DpTraining implements LocalTraining {
  private final LocalTraining inner;
  private final PrivacyLedger ledger;
  private final PrivacyBudgets budgets;
  private final SitePolicy policy;

  /** @param policy its {@code dp.maxEpsilonPerJob} caps what one job may spend at this site */
  public DpTraining(LocalTraining inner, PrivacyLedger ledger, PrivacyBudgets budgets, SitePolicy policy) {
    this.inner = Objects.requireNonNull(inner, "inner");
    this.ledger = Objects.requireNonNull(ledger, "ledger");
    this.budgets = Objects.requireNonNull(budgets, "budgets");
    this.policy = Objects.requireNonNull(policy, "policy");
  }

  @Override
  public RoundOutcome train(JobSpec job, int round, double[] global, EncodedData data) {
    return train(job, round, global, data, 1);
  }

  @Override
  public RoundOutcome train(JobSpec job, int round, double[] global, EncodedData data, int noiseShares) {
    if (job.privacy().dp() == null) {
      return inner.train(job, round, global, data, noiseShares);
    }
    DpSteps cost = LocalTrainer.plannedSteps(job, data.size());
    PrivacyBudget budget = budgets.forPurpose(job.purpose());
    double cap = policy.forPurpose(job.purpose()).dp().maxEpsilonPerJob();
    if (Double.isFinite(cap)) {
      double spent = ledger.spentOnJob(job.jobId(), budget.delta()).epsilon();
      double after = ledger.wouldSpendOnJob(job.jobId(), cost, budget.delta()).epsilon();
      if (after > cap) {
        return new RoundOutcome.Refused("RESOURCE_EXHAUSTED", String.format(Locale.ROOT,
            "job %s would reach epsilon %.3f > %.3f, the most one job may spend on purpose '%s' at delta %s"
                + " (site policy rule 'dp.maxEpsilonPerJob')", job.jobId(), after, cap, job.purpose(),
            BudgetCheck.formatDelta(budget.delta())), Math.max(0, cap - spent));
      }
    }
    BudgetCheck check = ledger.charge(job.purpose(), job.jobId(), round, cost, budgets.forPurpose(job.purpose()));
    if (!check.allowed()) {
      return new RoundOutcome.Refused("RESOURCE_EXHAUSTED", check.refusal().orElseThrow(), check.epsilonLeft());
    }
    double delta = job.privacy().dp().delta();
    RoundOutcome.Spent spent = new RoundOutcome.Spent(ledger.spentOnJob(job.jobId(), delta).epsilon(), delta, true);
    RoundOutcome outcome = inner.train(job, round, global, data, noiseShares);
    if (!(outcome instanceof RoundOutcome.Trained trained)) {
      return outcome;
    }
    // Under DP only the parameters are protected: neither the exact training loss nor the exact record
    // count is sent. The update's FedAvg weight is the job's public batch size instead of the count.
    TrainResult r = trained.result();
    return new RoundOutcome.Trained(new TrainResult(r.parameters(), job.batchSize(), 0), spent);
  }
}
