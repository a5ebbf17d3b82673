package dev.tandem.node.agent;

import dev.tandem.model.DpSpec;
import dev.tandem.model.FeatureSpec;
import dev.tandem.model.JobSpec;
import dev.tandem.model.aggregate.MomentsVector;
import dev.tandem.node.audit.RecordsUsed;
import dev.tandem.node.privacy.DpReleases;
import dev.tandem.node.training.FeatureMoments;
import dev.tandem.node.training.RoundOutcome;
import dev.tandem.proto.v1.NumericMoments;
import dev.tandem.proto.v1.StatsReport;
import dev.tandem.proto.v1.Task;
import java.util.List;
import java.util.Optional;

/**
 * Answers a STATS task with the moments of the job's numeric features over the consented records.
 *
 * <p>For a job with secure aggregation the moments leave only as this site's masked input of the phase's
 * secure aggregation ({@link MomentsVector}); a task that asks for them in the clear is declined. Under
 * differential privacy each value is first clipped to its feature's declared range, the release is
 * charged to the ledger, and the site adds its share of the Gaussian noise ({@link DpReleases}).
 *
 * <p>The answer (the report, or the masked input) is audited as a use of the training records
 * ({@code RECORDS_USED}, statistics) before it leaves, and a refusal by the coordinator recorded after.
 */
final class StatsHandler implements JobTaskHandler {
  private final TaskContext context;
  private final Admission admission;
  private final SecAggHandler secure;
  private final DpReleases releases;

  StatsHandler(TaskContext context, Admission admission, SecAggHandler secure, DpReleases releases) {
    this.context = context;
    this.admission = admission;
    this.secure = secure;
    this.releases = releases;
  }

  @Override
  public void handle(Task task, JobSpec job) {
    ConsentGate.Consented view = context.select(job);
    Optional<Refusal> small = admission.trainingCohort(job, view);
    if (small.isPresent()) {
      context.answers().decline(task, small.get());
      return;
    }
    boolean masked = task.getStats().hasSecagg();
    Optional<Refusal> clear = admission.maskedOnly(job, masked, "feature moments");
    if (clear.isPresent()) {
      context.answers().decline(task, clear.get());
      return;
    }
    List<FeatureSpec> numeric = job.numericFeatures();
    DpSpec.Range[] ranges = new DpSpec.Range[numeric.size()];
    double[] scales;
    try {
      scales = MomentsVector.scales(job);
      for (int i = 0; i < ranges.length; i++) {
        ranges[i] = MomentsVector.range(job, numeric.get(i).name());
      }
    } catch (IllegalArgumentException e) {
      context.answers().decline(task, Refusal.precondition(e.getMessage()));
      return;
    }
    RoundOutcome.Spent spent = RoundOutcome.Spent.NONE;
    if (job.privacy().dp() != null) {
      Optional<RoundOutcome.Refused> refused = releases.charge(job, task.getRound());
      if (refused.isPresent()) {
        context.answers().decline(task, refused.get().code(), refused.get().reason(), refused.get().epsilonLeft());
        return;
      }
      spent = releases.spent(job);
    }
    FeatureMoments m = FeatureMoments.of(view.data().train(), numeric, ranges, scales);
    double[] v = MomentsVector.encode(view.data().trainSize(), m.counts(), m.sums(), m.sumSquares());
    int shares = masked ? Math.max(1, task.getStats().getSecagg().getThreshold()) : 1;
    if (job.privacy().dp() != null) {
      releases.addNoise(v, MomentsVector.sensitivity(numeric.size()), shares);
    }
    Double epsilon = spent.auditedEpsilon();
    if (masked) {
      secure.begin(task, job, task.getStats().getSecagg(), v, 0, spent, sent -> context.gate().using(job,
          task.getRound(), RecordsUsed.STATISTICS, view, view.data().trainIds(), epsilon, sent));
      return;
    }
    MomentsVector.Moments out = MomentsVector.decode(v, scales);
    StatsReport.Builder b = StatsReport.newBuilder().setTaskId(task.getTaskId()).setJobId(job.jobId())
        .setRound(task.getRound()).setRecordCount(out.records());
    for (int i = 0; i < numeric.size(); i++) {
      b.addMoments(NumericMoments.newBuilder().setCount(out.counts()[i]).setSum(out.sums()[i])
          .setSumSquares(out.sumSquares()[i]));
    }
    StatsReport report = b.build();
    byte[] sent = report.toByteArray();
    // write-ahead: the use is audited before the report leaves, its outcome after
    context.gate().using(job, task.getRound(), RecordsUsed.STATISTICS, view, view.data().trainIds(), epsilon, sent);
    String outcome = context.answers().sendFor(job.jobId(), task.getRound(), "stats", view.data().trainSize(), report,
        stub -> stub.submitStats(report));
    context.gate().answered(job.jobId(), task.getRound(), outcome, sent, context.countersigner());
  }
}
