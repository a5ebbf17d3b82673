package dev.tandem.node.vertical;

import dev.tandem.node.data.DataVersion;
import dev.tandem.model.vertical.VerticalJobSpec;
import dev.tandem.node.data.LocalData;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * An in-memory consent gate: the purposes served, which subjects consented (a test may revoke some
 * later), a floor, and what was audited: one contribution per epoch.
 */
final class TestConsent implements VerticalConsent {
  /** One audited contribution. */
  record Contribution(String jobId, int round, String modelVersion, Instant consentAt, List<String> subjects,
      byte[] sent) {}

  private final String site;
  private final Set<String> purposes;
  private final Predicate<String> consented;
  private final int minCohort;
  final List<Contribution> contributions = new ArrayList<>();
  /** "job/epoch" of each audited answer the coordinator refused. */
  final List<String> refusedAnswers = new ArrayList<>();
  /** Subjects whose consent the test withdrew. */
  final Set<String> revoked = new java.util.HashSet<>();

  TestConsent(String site, Set<String> purposes, Predicate<String> consented, int minCohort) {
    this.site = site;
    this.purposes = purposes;
    this.consented = consented;
    this.minCohort = minCohort;
  }

  @Override
  public Optional<String> refusal(VerticalJobSpec job) {
    return purposes.contains(job.purpose()) ? Optional.empty()
        : Optional.of("site '" + site + "' does not serve purpose '" + job.purpose() + "'");
  }

  @Override
  public LocalData select(String purpose, LocalData data, Instant at) {
    return data.retain(id -> consented.test(id) && !revoked.contains(id));
  }

  @Override
  public Optional<String> cohortRefusal(String purpose, long records, String what) {
    return records < minCohort ? Optional.of("site '" + site + "' has " + records + " " + what
        + "; it contributes from no fewer than " + minCohort) : Optional.empty();
  }

  @Override
  public void contributed(VerticalJobSpec job, String modelVersion, DataVersion dataVersion,
      List<EpochUse> epochs) {
    for (EpochUse e : epochs) {
      contributions.add(new Contribution(job.jobId(), e.epoch(), modelVersion, e.consentAt(), e.subjectIds(),
          e.sent()));
    }
  }

  @Override
  public void answered(VerticalJobSpec job, int epoch, boolean accepted, byte[] sent) {
    if (!accepted) {
      refusedAnswers.add(job.jobId() + "/" + epoch);
    }
  }
}
