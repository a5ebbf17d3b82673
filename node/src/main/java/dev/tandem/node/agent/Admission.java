package dev.tandem.node.agent;

import dev.tandem.model.FeatureCheck;
import dev.tandem.model.FeatureSpec;
import dev.tandem.model.JobSpec;
import dev.tandem.model.RowView;
import dev.tandem.proto.v1.TrainTask;
import dev.tandem.node.data.LocalData;
import dev.tandem.node.policy.SitePolicy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The site's policy for horizontal jobs ({@link SitePolicy}), checked in one place: every guard a task must pass before a
 * handler touches the records lives here once.
 *
 * <p>A job is admitted when this site is one of its participants, the {@link ConsentGate} serves its
 * purpose and partners (that decision is audited once per job), and the site has every column the job
 * names, records it can encode for the job's features ({@link FeatureCheck}: a refusal the gate audits),
 * and some training records; the gate applies the site policy's job rules (partners, columns,
 * secure aggregation, differential privacy). Each task then passes the checks of its kind: the
 * purpose's training or evaluation cohort, and secure aggregation when the policy or the job requires
 * it. The per-job epsilon is checked where the ledger is ({@code DpTraining}).
 */
final class Admission {
  private static final Logger LOG = Logger.getLogger(Admission.class.getName());
  private final TaskContext context;
  private final SitePolicy policy;
  /** The data check's verdict per feature list: the records do not change while the node runs. */
  /** By data version and feature list. */
  private final Map<List<Object>, Optional<String>> checked = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<List<Object>, Optional<String>> eldest) {
      return size() > 32;
    }
  };

  Admission(TaskContext context, SitePolicy policy) {
    this.context = context;
    this.policy = policy;
  }

  /** Why the node will not serve {@code job} at all; empty when admitted. */
  Optional<Refusal> refusal(JobSpec job) {
    String site = context.site();
    if (!job.sites().contains(site)) {
      return Optional.of(Refusal.permission("site '" + site + "' is not a participant of job " + job.jobId()));
    }
    // the records are read only for a job the policy admits
    AtomicReference<Optional<String>> data = new AtomicReference<>(Optional.empty());
    Optional<String> policy = context.gate().refusal(job, () -> {
      data.set(encodable(job));
      return data.get();
    });
    if (policy.isPresent()) {
      return Optional.of(policy.equals(data.get()) ? Refusal.precondition(policy.get())
          : Refusal.permission(policy.get()));
    }
    LocalData records;
    try {
      records = context.data(job);
    } catch (RuntimeException e) {
      // the reason stays in the node's log: a file line or a database message is not the coordinator's
      LOG.log(Level.WARNING, "site '" + site + "' cannot read its data for job " + job.jobId(), e);
      return Optional.of(Refusal.precondition("site '" + site + "' cannot read its data source (the node's log"
          + " says why)"));
    }
    List<String> missing = new ArrayList<>();
    for (FeatureSpec f : job.features()) {
      if (!records.hasColumn(f.name())) {
        missing.add(f.name());
      }
    }
    if (!records.hasColumn(job.label().column())) {
      missing.add(job.label().column());
    }
    if (!missing.isEmpty()) {
      return Optional.of(Refusal.precondition("site '" + site + "' has no column for " + String.join(", ", missing)));
    }
    if (records.trainSize() == 0) {
      return Optional.of(Refusal.precondition("site '" + site + "' has no training records"));
    }
    return Optional.empty();
  }

  /**
   * Why this site's records cannot be encoded for the job's features ({@link FeatureCheck}: a numeric
   * feature that does not parse, categories the values are not among, beyond
   * {@link FeatureCheck#DEFAULT_MAX_UNREADABLE_SHARE} of the present values); empty when they can, or when
   * a column is missing (refused on its own). The reason holds no record value and no count. Computed
   * once per data version and feature list.
   */
  Optional<String> encodable(JobSpec job) {
    LocalData data;
    try {
      data = context.data(job);
    } catch (RuntimeException e) {
      return Optional.empty(); // refused on its own, after the policy
    }
    for (FeatureSpec f : job.features()) {
      if (!data.hasColumn(f.name())) {
        return Optional.empty();
      }
    }
    synchronized (checked) {
      return checked.computeIfAbsent(List.of(data.version(), job.features()), key -> {
        List<FeatureSpec> features = job.features();
        List<RowView> rows = new ArrayList<>(data.train());
        rows.addAll(data.test());
        List<FeatureCheck.Problem> problems = FeatureCheck.check(features, rows,
            FeatureCheck.DEFAULT_MAX_UNREADABLE_SHARE);
        return problems.isEmpty() ? Optional.empty() : Optional.of("site '" + context.site()
            + "' cannot encode the job's features from its records: " + String.join("; ",
            problems.stream().map(FeatureCheck.Problem::reason).toList()));
      });
    }
  }

  /**
   * Why the node will not contribute statistics or an update from this selection: fewer consented
   * training records than the purpose's training cohort.
   */
  Optional<Refusal> trainingCohort(JobSpec job, ConsentGate.Consented view) {
    int floor = policy.forPurpose(job.purpose()).minTrainingCohort();
    int n = view.data().trainSize();
    if (n < floor) {
      return Optional.of(Refusal.precondition("site '" + context.site() + "' has " + n
          + " training records consented for '" + job.purpose() + "'; it contributes from no fewer than " + floor
          + " (site policy rule 'minTrainingCohort')"));
    }
    return Optional.empty();
  }

  /**
   * Why the node will not evaluate on this selection: fewer consented held-out records than the
   * purpose's evaluation cohort (never below its training cohort).
   */
  Optional<Refusal> evaluationCohort(JobSpec job, ConsentGate.Consented view) {
    int floor = policy.forPurpose(job.purpose()).minEvaluationCohort();
    int n = view.data().testSize();
    if (n < floor) {
      return Optional.of(Refusal.precondition("site '" + context.site() + "' has " + n
          + " held-out records consented for '" + job.purpose() + "'; it evaluates on no fewer than " + floor
          + " (site policy rule 'minEvaluationCohort')"));
    }
    return Optional.empty();
  }

  /**
   * Why the node will not train this round in the clear: the job or the site's policy for its purpose
   * requires secure aggregation and the task has none.
   */
  Optional<Refusal> secureAggregation(JobSpec job, TrainTask task) {
    return maskedOnly(job, task.hasSecagg(), "update");
  }

  /**
   * Why this node will not send {@code what} (its update, feature moments or evaluation metrics) in the
   * clear: the job or the site's policy for its purpose requires secure aggregation, so it goes only as
   * a masked input, whatever the task asks. Empty when the task is masked or neither requires it.
   */
  Optional<Refusal> maskedOnly(JobSpec job, boolean masked, String what) {
    if (masked) {
      return Optional.empty();
    }
    if (policy.forPurpose(job.purpose()).secureAggregation()) {
      return Optional.of(Refusal.precondition("site '" + context.site() + "' requires secure aggregation for purpose '"
          + job.purpose() + "' but the task has no secure aggregation parameters: this node sends its " + what
          + " only as a masked input (site policy rule 'requireSecureAggregation')"));
    }
    if (job.privacy().secureAggregation()) {
      return Optional.of(Refusal.precondition("job " + job.jobId() + " uses secure aggregation: this node sends its "
          + what + " only as a masked input of the phase's secure aggregation, and the task has no secure"
          + " aggregation parameters"));
    }
    return Optional.empty();
  }
}
