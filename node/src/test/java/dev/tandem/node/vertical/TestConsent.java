package dev.tandem.node.vertical;

import dev.tandem.model.vertical.VerticalJobSpec;
import dev.tandem.node.data.LocalData;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/** An in-memory consent gate: the purposes served, which subjects consented, a floor, and what was audited. */
final class TestConsent implements VerticalConsent {
  /** One audited contribution. */
  record Contribution(String jobId, int round, String modelVersion, Instant consentAt, List<String> subjects,
      byte[] sent) {}

  private final String site;
  private final Set<String> purposes;
  private final Predicate<String> consented;
  private final int minCohort;
  final List<Contribution> contributions = new ArrayList<>();

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
    return data.retain(consented);
  }

  @Override
  public Optional<String> cohortRefusal(long records, String what) {
    return records < minCohort ? Optional.of("site '" + site + "' has " + records + " " + what
        + "; it contributes from no fewer than " + minCohort) : Optional.empty();
  }

  @Override
  public void contributed(VerticalJobSpec job, int round, String modelVersion, Instant consentAt,
      Collection<String> subjectIds, byte[] sent) {
    contributions.add(new Contribution(job.jobId(), round, modelVersion, consentAt, List.copyOf(subjectIds), sent));
  }
}
