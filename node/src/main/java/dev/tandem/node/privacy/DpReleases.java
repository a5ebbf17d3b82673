package dev.tandem.node.privacy;

import dev.tandem.crypto.dp.GaussianNoise;
import dev.tandem.model.DpSpec;
import dev.tandem.model.JobSpec;
import dev.tandem.node.training.DpSteps;
import dev.tandem.node.training.RoundOutcome;
import dev.tandem.node.policy.SitePolicy;
import java.security.SecureRandom;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Differential privacy for the aggregates a site releases besides its updates (feature moments,
 * evaluation metrics): each release is the Gaussian mechanism with noise multiplier
 * {@link DpSpec#RELEASE_NOISE_MULTIPLIER} on a vector whose L2 sensitivity to one record the caller
 * bounds, charged to the purpose's ledger before anything is computed, as one step at sampling rate 1.
 *
 * <p>Under secure aggregation with threshold t the site adds one of t shares of the noise (standard
 * deviation {@code z * sensitivity / sqrt(t)}): any t honest sites' shares carry it in full. In the
 * clear it adds all of it. Thread-safe: the ledger is, and {@link SecureRandom} is.
 */
public final class DpReleases {
  private final PrivacyLedger ledger;
  private final PrivacyBudgets budgets;
  private final SitePolicy policy;
  private final SecureRandom random;

  /** @param policy its {@code dp.maxEpsilonPerJob} caps what one job may spend here, releases included */
  public DpReleases(PrivacyLedger ledger, PrivacyBudgets budgets, SitePolicy policy, SecureRandom random) {
    this.ledger = Objects.requireNonNull(ledger, "ledger");
    this.budgets = Objects.requireNonNull(budgets, "budgets");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.random = Objects.requireNonNull(random, "random");
  }

  /**
   * How many releases a DP job makes at a site that takes part throughout: the statistics phase and
   * the evaluation after the last round (a DP job is not evaluated after the other rounds).
   */
  public static final int RELEASES_PER_JOB = 2;

  /** What {@code count} releases cost, as an accountant to compose the training onto. */
  public static dev.tandem.crypto.dp.RdpAccountant accountant(int count) {
    return dev.tandem.crypto.dp.RdpAccountant.empty().compose(1.0, DpSpec.RELEASE_NOISE_MULTIPLIER, count);
  }

  /** What one release of a job of {@code dp} costs: one Gaussian step at rate 1. */
  public static DpSteps cost(DpSpec dp) {
    return new DpSteps(1.0, DpSpec.RELEASE_NOISE_MULTIPLIER, 1, dp.delta());
  }

  /**
   * Charges one release of {@code job} in {@code round} to its purpose, or says why not.
   *
   * @return empty when charged; the refusal when the budget would be exceeded
   * @throws IllegalArgumentException when the job asks for no differential privacy
   */
  public Optional<RoundOutcome.Refused> charge(JobSpec job, int round) {
    DpSpec dp = job.privacy().dp();
    if (dp == null) {
      throw new IllegalArgumentException("job " + job.jobId() + " asks for no differential privacy");
    }
    PrivacyBudget budget = budgets.forPurpose(job.purpose());
    double cap = policy.forPurpose(job.purpose()).dp().maxEpsilonPerJob();
    if (Double.isFinite(cap)) {
      double spent = ledger.spentOnJob(job.jobId(), budget.delta()).epsilon();
      double after = ledger.wouldSpendOnJob(job.jobId(), cost(dp), budget.delta()).epsilon();
      if (after > cap) {
        return Optional.of(new RoundOutcome.Refused("RESOURCE_EXHAUSTED", String.format(Locale.ROOT,
            "job %s would reach epsilon %.3f > %.3f with this release, the most one job may spend on purpose"
                + " '%s' at delta %s (site policy rule 'dp.maxEpsilonPerJob')", job.jobId(), after, cap,
            job.purpose(), BudgetCheck.formatDelta(budget.delta())), Math.max(0, cap - spent)));
      }
    }
    BudgetCheck check = ledger.charge(job.purpose(), job.jobId(), round, cost(dp), budget);
    if (!check.allowed()) {
      return Optional.of(new RoundOutcome.Refused("RESOURCE_EXHAUSTED", check.refusal().orElseThrow(),
          check.epsilonLeft()));
    }
    return Optional.empty();
  }

  /** What the job has spent at this site so far, as reported with its answers. */
  public RoundOutcome.Spent spent(JobSpec job) {
    double delta = job.privacy().dp().delta();
    return new RoundOutcome.Spent(ledger.spentOnJob(job.jobId(), delta).epsilon(), delta, true);
  }

  /**
   * Adds this site's share of the release noise to {@code vector}, in place: one of {@code shares}
   * shares of N(0, (z * sensitivity)^2) per coordinate.
   *
   * @throws IllegalArgumentException when sensitivity is not finite and &gt; 0 or shares &lt; 1
   */
  public void addNoise(double[] vector, double sensitivity, int shares) {
    new GaussianNoise(DpSpec.RELEASE_NOISE_MULTIPLIER, sensitivity, random).share(shares).addTo(vector);
  }
}
