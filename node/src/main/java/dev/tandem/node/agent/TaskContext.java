package dev.tandem.node.agent;

import dev.tandem.node.audit.HeadCountersigner;
import dev.tandem.model.JobSpec;
import dev.tandem.node.data.DataSnapshots;
import dev.tandem.node.data.LocalData;
import java.time.Clock;
import java.util.Objects;

/**
 * What every task handler of a node shares: the site's id and records (read per job), its clock, the consent gate
 * that selects and audits the records a task uses, the outgoing side of answers, and the coordinator's
 * countersigning of the audit head.
 */
record TaskContext(String site, DataSnapshots snapshots, Clock clock, ConsentGate gate, Answers answers,
    HeadCountersigner countersigner) {
  TaskContext {
    Objects.requireNonNull(site, "site");
    Objects.requireNonNull(snapshots, "snapshots");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(gate, "gate");
    Objects.requireNonNull(answers, "answers");
    Objects.requireNonNull(countersigner, "countersigner");
  }

  /**
   * The job's snapshot of the node's records: read from the source at the job's first task, the same
   * for its later tasks ({@link DataSnapshots#forJob}).
   *
   * @throws RuntimeException when the source cannot be read (see {@link dev.tandem.node.data.LocalData#load})
   */
  LocalData data(JobSpec job) {
    return snapshots.forJob(job.jobId());
  }

  /** The records of the job's snapshot consented for the job's purpose now. */
  ConsentGate.Consented select(JobSpec job) {
    return gate.select(job, data(job), clock.instant());
  }
}
