package dev.tandem.node.agent;

import dev.tandem.model.JobSpec;
import dev.tandem.model.vertical.VerticalJobSpec;
import dev.tandem.node.audit.AuditLog;
import dev.tandem.node.audit.HeadCountersigner;
import dev.tandem.node.audit.RecordsUsed;
import dev.tandem.node.audit.RoundContribution;
import dev.tandem.node.consent.ConsentPolicy;
import dev.tandem.node.consent.ConsentRegistry;
import dev.tandem.node.consent.Pseudonyms;
import dev.tandem.node.data.DataVersion;
import dev.tandem.node.data.LocalData;
import dev.tandem.node.vertical.EpochUse;
import dev.tandem.node.vertical.VerticalConsent;
import java.time.Instant;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import dev.tandem.node.policy.SitePolicy;
import java.util.logging.Logger;

/**
 * Binds every use of the node's records to their consent and writes it into the audit log.
 *
 * <p>A job is refused (once, audited) when its purpose is not one the node serves or it names a
 * partner the node does not accept; otherwise accepted (once, audited). Each task works on the
 * records whose consent for the job's purpose is in force when the task arrives, so a revocation
 * takes effect at the next round. Each contributed round is audited, before its answer leaves, with a
 * Merkle root over the pseudonyms of the records used; so is each statistics or evaluation answer
 * ({@code RECORDS_USED}). A refused answer is then recorded as such, and the
 * log head is countersigned by the coordinator. A
 * vertical job is served through {@link #vertical}: its other parties are the partners, and its
 * contribution is audited write-ahead too, one entry per epoch (round = epoch) over the subjects
 * that epoch used, consent having been re-read at each epoch's start, written before the epoch's
 * first answer leaves.
 */
final class ConsentGate {
  private static final Logger LOG = Logger.getLogger(ConsentGate.class.getName());

  private final String site;
  private final ConsentPolicy policy;
  private final ConsentRegistry consent;
  private final Pseudonyms pseudonyms;
  private final AuditLog audit;
  private final SitePolicy sitePolicy;
  private final Set<String> decided = ConcurrentHashMap.newKeySet();

  /** The node's records for one task, as consented when it arrived. */
  record Consented(LocalData data, Instant at) {}

  ConsentGate(String site, ConsentPolicy policy, SitePolicy sitePolicy, ConsentRegistry consent,
      Pseudonyms pseudonyms, AuditLog audit) {
    this.site = site;
    this.policy = policy;
    this.sitePolicy = sitePolicy;
    this.consent = consent;
    this.pseudonyms = pseudonyms;
    this.audit = audit;
  }

  /** A gate whose site policy is the default one for {@code policy} (keys: the vertical section decides). */
  ConsentGate(String site, ConsentPolicy policy, ConsentRegistry consent, Pseudonyms pseudonyms, AuditLog audit) {
    this(site, policy, SitePolicy.defaults(policy.minCohort(), policy.partners(), Set.of(), 1024), consent,
        pseudonyms, audit);
  }

  int jobsSeen() {
    return decided.size();
  }

  /**
   * Why the node will not serve this job at all: a purpose it does not serve, a partner it does not
   * accept, or a rule of its site policy for the purpose. The first decision about a job is audited.
   */
  Optional<String> refusal(JobSpec job) {
    return refusal(job, Optional::empty);
  }

  /**
   * As {@link #refusal(JobSpec)}, with {@code dataRefusal} (why the site's records cannot serve the job,
   * asked only when the policy admits it) audited as the job's refusal too.
   */
  Optional<String> refusal(JobSpec job, Supplier<Optional<String>> dataRefusal) {
    return decide(job.jobId(), job.purpose(), job.sites(), () -> sitePolicy.refusal(site, job).or(dataRefusal));
  }

  /**
   * Why the node will not serve this vertical job at all (the other parties are its partners); the
   * first decision about a job is audited.
   */
  Optional<String> refusal(VerticalJobSpec job) {
    return refusal(job, Optional::empty);
  }

  /** As {@link #refusal(VerticalJobSpec)}, with {@code dataRefusal} audited as the job's refusal too. */
  Optional<String> refusal(VerticalJobSpec job, Supplier<Optional<String>> dataRefusal) {
    return decide(job.jobId(), job.purpose(), job.sites(), () -> sitePolicy.refusal(site, job).or(dataRefusal));
  }

  private Optional<String> decide(String jobId, String purpose, Collection<String> sites,
      Supplier<Optional<String>> rules) {
    Optional<String> why = policyRefusal(purpose, sites).or(rules);
    if (decided.add(jobId)) {
      if (why.isPresent()) {
        audit.jobRefused(jobId, purpose, why.get());
      } else {
        audit.jobAccepted(jobId, purpose);
      }
    }
    return why;
  }

  private Optional<String> policyRefusal(String purpose, Collection<String> sites) {
    return policy.refusal(site, purpose, sites);
  }

  /** The records whose consent for the job's purpose is in force at {@code at}. */
  Consented select(JobSpec job, LocalData data, Instant at) {
    return new Consented(select(job.purpose(), data, at), at);
  }

  private LocalData select(String purpose, LocalData data, Instant at) {
    Set<String> granted = consent.consentedSubjects(purpose, at);
    return data.retain(granted::contains);
  }

  /**
   * Audits a round's contribution before its answer ({@code sent}) leaves the node (write-ahead):
   * once the coordinator may read it, it is a use of the records, whatever the coordinator answers.
   * The outcome is recorded after the send with {@link #answered}.
   */
  void contributing(JobSpec job, int round, Consented c, Double epsilon, byte[] sent) {
    audit.roundContributed(new RoundContribution(job.purpose(), job.jobId(), round, job.jobId() + "/v" + round,
        c.at(), c.data().trainSize(), RoundContribution.subjectSet(pseudonyms, c.data().trainIds()), epsilon,
        Answers.sha256Bytes(sent), c.data().version().sha256()));
  }

  /**
   * Audits a statistics or evaluation answer ({@code sent}) before it leaves the node (write-ahead),
   * as {@link #contributing} does for a training round: {@code RECORDS_USED} over the subjects of
   * {@code subjectIds} (the training split for statistics, the held-out split for evaluation). The
   * outcome is recorded after the send with {@link #answered}.
   *
   * @param use {@link RecordsUsed#STATISTICS} or {@link RecordsUsed#EVALUATION}
   */
  void using(JobSpec job, int round, String use, Consented c, Collection<String> subjectIds, Double epsilon,
      byte[] sent) {
    audit.recordsUsed(new RecordsUsed(job.purpose(), job.jobId(), round, use, c.at(),
        RoundContribution.subjectSet(pseudonyms, subjectIds), epsilon, Answers.sha256Bytes(sent),
        c.data().version().sha256()));
  }

  /**
   * Records the outcome of an answer audited before it left: {@code ANSWER_REFUSED {job, round,
   * reason, sentSha256}} if the coordinator refused it or the send failed (the entry before it still stands: the
   * coordinator may have read the answer), then has the coordinator countersign the log head.
   *
   * @param outcome {@code "accepted"}, or why the answer was not accepted (refused by the coordinator, or the
   *     send failed, as {@link Answers#outcome} says)
   */
  void answered(String jobId, int round, String outcome, byte[] sent, HeadCountersigner signer) {
    if (!Answers.ACCEPTED.equals(outcome)) {
      audit.answerRefused(jobId, round, outcome, HexFormat.of().formatHex(Answers.sha256Bytes(sent)));
    }
    countersign(signer);
  }

  private void countersign(HeadCountersigner signer) {
    try {
      audit.countersignHead(signer);
    } catch (RuntimeException e) {
      LOG.warning(() -> "the coordinator did not countersign the audit head: " + e.getMessage());
    }
  }

  /**
   * This gate as a vertical job needs it: the other parties are the partners, every consented record
   * of both splits counts towards the floor, and a job's contribution is audited epoch by epoch over
   * the subjects each epoch used, and its alignment, setup and evaluation as records used, each before
   * the first answer of that use leaves; the outcome is then recorded and the head countersigned
   * through {@code signer}.
   */
  VerticalConsent vertical(HeadCountersigner signer) {
    return new VerticalConsent() {
      @Override
      public Optional<String> refusal(VerticalJobSpec job) {
        return ConsentGate.this.refusal(job);
      }

      @Override
      public Optional<String> refusal(VerticalJobSpec job, Supplier<Optional<String>> dataRefusal) {
        return ConsentGate.this.refusal(job, dataRefusal);
      }

      @Override
      public LocalData select(String purpose, LocalData data, Instant at) {
        return ConsentGate.this.select(purpose, data, at);
      }

      @Override
      public Optional<String> cohortRefusal(String purpose, long records, String what) {
        int floor = sitePolicy.forPurpose(purpose).minTrainingCohort();
        if (records < floor) {
          return Optional.of("site '" + site + "' has " + records + " " + what + "; it contributes from no fewer than "
              + floor);
        }
        return Optional.empty();
      }

      @Override
      public void contributing(VerticalJobSpec job, DataVersion dataVersion, EpochUse e) {
        audit.roundContributed(new RoundContribution(job.purpose(), job.jobId(), e.epoch(), null, e.consentAt(),
            e.subjectIds().size(), RoundContribution.subjectSet(pseudonyms, e.subjectIds()), null,
            Answers.sha256Bytes(e.sent()), dataVersion.sha256()));
      }

      @Override
      public void using(VerticalJobSpec job, int round, VerticalConsent.Use use, Instant consentAt,
          Collection<String> subjectIds, DataVersion dataVersion, byte[] sent) {
        String kind = switch (use) {
          case ALIGNMENT -> RecordsUsed.ALIGNMENT;
          case TRAINING_SETUP -> RecordsUsed.TRAINING_SETUP;
          case EVALUATION -> RecordsUsed.EVALUATION;
        };
        audit.recordsUsed(new RecordsUsed(job.purpose(), job.jobId(), round, kind, consentAt,
            RoundContribution.subjectSet(pseudonyms, subjectIds), null, Answers.sha256Bytes(sent),
            dataVersion.sha256()));
      }

      @Override
      public void answered(VerticalJobSpec job, int epoch, boolean accepted, byte[] sent) {
        ConsentGate.this.answered(job.jobId(), epoch, accepted ? Answers.ACCEPTED : "refused by the coordinator", sent,
            signer);
      }
    };
  }
}
