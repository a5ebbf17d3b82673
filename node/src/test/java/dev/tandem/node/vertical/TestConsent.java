package dev.tandem.node.vertical;

import dev.tandem.node.data.DataVersion;
import dev.tandem.model.vertical.VerticalJobSpec;
import dev.tandem.node.data.LocalData;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * An in-memory consent gate: the purposes served, which subjects consented (a test may revoke some
 * later), a floor, and what was audited: one contribution per epoch and the other uses.
 */
final class TestConsent implements VerticalConsent {
  /** One audited contribution. */
  record Contribution(String jobId, int round, Instant consentAt, List<String> subjects, byte[] sent) {}

  /** One audited use that is not an epoch. */
  record Used(String jobId, int round, Use use, Instant consentAt, List<String> subjects, byte[] sent) {}

  private final String site;
  private final Set<String> purposes;
  private final Predicate<String> consented;
  private final int minCohort;
  final List<Contribution> contributions = new ArrayList<>();
  final List<Used> uses = new ArrayList<>();
  /** What was audited, in order ("EPOCH n", "ALIGNMENT 0", ...); the test's transport adds what it was sent. */
  final List<String> journal;
  /** "job/epoch" of each audited answer the coordinator refused. */
  final List<String> refusedAnswers = new ArrayList<>();
  /** Subjects whose consent the test withdrew. */
  final Set<String> revoked = new java.util.HashSet<>();

  TestConsent(String site, Set<String> purposes, Predicate<String> consented, int minCohort) {
    this(site, purposes, consented, minCohort, new ArrayList<>());
  }

  TestConsent(String site, Set<String> purposes, Predicate<String> consented, int minCohort, List<String> journal) {
    this.journal = journal;
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
  public void contributing(VerticalJobSpec job, DataVersion dataVersion, EpochUse e) {
    contributions.add(new Contribution(job.jobId(), e.epoch(), e.consentAt(), e.subjectIds(), e.sent()));
    journal.add("EPOCH " + e.epoch());
  }

  @Override
  public void using(VerticalJobSpec job, int round, Use use, Instant consentAt, Collection<String> subjectIds,
      DataVersion dataVersion, byte[] sent) {
    uses.add(new Used(job.jobId(), round, use, consentAt, List.copyOf(subjectIds), sent.clone()));
    journal.add(use + " " + round);
  }

  @Override
  public void answered(VerticalJobSpec job, int round, boolean accepted, byte[] sent) {
    if (!accepted) {
      refusedAnswers.add(job.jobId() + "/" + round);
    }
  }
}
