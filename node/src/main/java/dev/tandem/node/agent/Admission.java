package dev.tandem.node.agent;

import dev.tandem.model.FeatureSpec;
import dev.tandem.model.JobSpec;
import dev.tandem.proto.v1.TrainTask;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The site's policy for horizontal jobs, checked in one place: every guard a task must pass before a
 * handler touches the records lives here once.
 *
 * <p>A job is admitted when this site is one of its participants, the {@link ConsentGate} serves its
 * purpose and partners (that decision is audited once per job), and the site has every column the job
 * names and some training records. Each task then passes the checks of its kind: the minimum cohort of
 * consented records, and secure aggregation when the job asks for it.
 */
final class Admission {
  private final TaskContext context;

  Admission(TaskContext context) {
    this.context = context;
  }

  /** Why the node will not serve {@code job} at all; empty when admitted. */
  Optional<Refusal> refusal(JobSpec job) {
    String site = context.site();
    if (!job.sites().contains(site)) {
      return Optional.of(Refusal.permission("site '" + site + "' is not a participant of job " + job.jobId()));
    }
    Optional<String> policy = context.gate().refusal(job);
    if (policy.isPresent()) {
      return Optional.of(Refusal.permission(policy.get()));
    }
    List<String> missing = new ArrayList<>();
    for (FeatureSpec f : job.features()) {
      if (!context.data().hasColumn(f.name())) {
        missing.add(f.name());
      }
    }
    if (!context.data().hasColumn(job.label().column())) {
      missing.add(job.label().column());
    }
    if (!missing.isEmpty()) {
      return Optional.of(Refusal.precondition("site '" + site + "' has no column for " + String.join(", ", missing)));
    }
    if (context.data().trainSize() == 0) {
      return Optional.of(Refusal.precondition("site '" + site + "' has no training records"));
    }
    return Optional.empty();
  }

  /** Why the node will not contribute statistics or an update from this selection: too few records. */
  Optional<Refusal> trainingCohort(JobSpec job, ConsentGate.Consented view) {
    return context.gate().cohortRefusal(job, view).map(Refusal::precondition);
  }

  /** Why the node will not train this round: the job asks for secure aggregation and the task has none. */
  Optional<Refusal> secureAggregation(JobSpec job, TrainTask task) {
    if (job.privacy().secureAggregation() && !task.hasSecagg()) {
      return Optional.of(Refusal.precondition(
          "the job requires secure aggregation but the task has no secure aggregation parameters"));
    }
    return Optional.empty();
  }
}
