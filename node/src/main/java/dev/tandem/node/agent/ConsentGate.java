package dev.tandem.node.agent;

import dev.tandem.model.JobSpec;
import dev.tandem.node.audit.AuditLog;
import dev.tandem.node.audit.HeadCountersigner;
import dev.tandem.node.audit.RoundContribution;
import dev.tandem.node.consent.ConsentPolicy;
import dev.tandem.node.consent.ConsentRegistry;
import dev.tandem.node.consent.Pseudonyms;
import dev.tandem.node.data.LocalData;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Binds every use of the node's records to their consent and writes it into the audit log.
 *
 * <p>A job is refused (once, audited) when its purpose is not one the node serves or it names a
 * partner the node does not accept; otherwise accepted (once, audited). Each task works on the
 * records whose consent for the job's purpose is in force when the task arrives, so a revocation
 * takes effect at the next round. Each contributed round is audited with a Merkle root over the
 * pseudonyms of the records used, and the log head is then countersigned by the coordinator.
 */
final class ConsentGate {
  private static final Logger LOG = Logger.getLogger(ConsentGate.class.getName());

  private final String site;
  private final ConsentPolicy policy;
  private final ConsentRegistry consent;
  private final Pseudonyms pseudonyms;
  private final AuditLog audit;
  private final Set<String> decided = ConcurrentHashMap.newKeySet();

  /** The node's records for one task, as consented when it arrived. */
  record Consented(LocalData data, Instant at) {}

  ConsentGate(String site, ConsentPolicy policy, ConsentRegistry consent, Pseudonyms pseudonyms, AuditLog audit) {
    this.site = site;
    this.policy = policy;
    this.consent = consent;
    this.pseudonyms = pseudonyms;
    this.audit = audit;
  }

  int jobsSeen() {
    return decided.size();
  }

  /** Why the node will not serve this job at all; the first decision about a job is audited. */
  Optional<String> refusal(JobSpec job) {
    Optional<String> why = policyRefusal(job);
    if (decided.add(job.jobId())) {
      if (why.isPresent()) {
        audit.jobRefused(job.jobId(), job.purpose(), why.get());
      } else {
        audit.jobAccepted(job.jobId(), job.purpose());
      }
    }
    return why;
  }

  private Optional<String> policyRefusal(JobSpec job) {
    if (!policy.purposes().contains(job.purpose())) {
      return Optional.of("site '" + site + "' does not serve purpose '" + job.purpose() + "' (it serves "
          + (policy.purposes().isEmpty() ? "none" : new TreeSet<>(policy.purposes()).toString()) + ")");
    }
    if (!policy.partners().isEmpty()) {
      List<String> strangers = new ArrayList<>();
      for (String s : job.sites()) {
        if (!s.equals(site) && !policy.partners().contains(s)) {
          strangers.add(s);
        }
      }
      if (!strangers.isEmpty()) {
        return Optional.of("site '" + site + "' does not accept partner(s) " + strangers + " for purpose '"
            + job.purpose() + "'");
      }
    }
    return Optional.empty();
  }

  /** The records whose consent for the job's purpose is in force at {@code at}. */
  Consented select(JobSpec job, LocalData data, Instant at) {
    Set<String> granted = consent.consentedSubjects(job.purpose(), at);
    return new Consented(data.retain(granted::contains), at);
  }

  /** Why the node will not contribute from this selection: fewer records than its floor. */
  Optional<String> cohortRefusal(JobSpec job, Consented c) {
    if (c.data().trainSize() < policy.minCohort()) {
      return Optional.of("site '" + site + "' has " + c.data().trainSize() + " training records consented for '"
          + job.purpose() + "'; it contributes from no fewer than " + policy.minCohort());
    }
    return Optional.empty();
  }

  /** Audits a round the coordinator accepted, then has the coordinator countersign the log head. */
  void contributed(JobSpec job, int round, Consented c, Double epsilon, byte[] sent, HeadCountersigner signer) {
    audit.roundContributed(new RoundContribution(job.purpose(), job.jobId(), round, job.jobId() + "/v" + round,
        c.at(), c.data().trainSize(), RoundContribution.subjectSet(pseudonyms, c.data().trainIds()), epsilon,
        TaskHandler.sha256Bytes(sent)));
    try {
      audit.countersignHead(signer);
    } catch (RuntimeException e) {
      LOG.warning(() -> "the coordinator did not countersign the audit head: " + e.getMessage());
    }
  }
}
