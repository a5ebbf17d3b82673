package dev.tandem.node.agent;

import dev.tandem.node.audit.HeadCountersigner;
import dev.tandem.node.data.LocalData;
import java.time.Clock;
import java.util.Objects;

/**
 * What every task handler of a node shares: the site's id and records, its clock, the consent gate
 * that selects and audits the records a task uses, the outgoing side of answers, and the coordinator's
 * countersigning of the audit head.
 */
record TaskContext(String site, LocalData data, Clock clock, ConsentGate gate, Answers answers,
    HeadCountersigner countersigner) {
  TaskContext {
    Objects.requireNonNull(site, "site");
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(gate, "gate");
    Objects.requireNonNull(answers, "answers");
    Objects.requireNonNull(countersigner, "countersigner");
  }

  /** The records consented for the job's purpose now. */
  ConsentGate.Consented select(dev.tandem.model.JobSpec job) {
    return gate.select(job, data, clock.instant());
  }
}
