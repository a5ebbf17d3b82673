package dev.tandem.node.agent;

import dev.tandem.model.JobSpec;
import dev.tandem.node.training.FeatureMoments;
import dev.tandem.proto.v1.NumericMoments;
import dev.tandem.proto.v1.StatsReport;
import dev.tandem.proto.v1.Task;
import java.util.Optional;

/** Answers a STATS task with the moments of the job's numeric features over the consented records. */
final class StatsHandler implements JobTaskHandler {
  private final TaskContext context;
  private final Admission admission;

  StatsHandler(TaskContext context, Admission admission) {
    this.context = context;
    this.admission = admission;
  }

  @Override
  public void handle(Task task, JobSpec job) {
    ConsentGate.Consented view = context.select(job);
    Optional<Refusal> small = admission.trainingCohort(job, view);
    if (small.isPresent()) {
      context.answers().decline(task, small.get());
      return;
    }
    FeatureMoments m = FeatureMoments.of(view.data().train(), job);
    StatsReport.Builder b = StatsReport.newBuilder().setTaskId(task.getTaskId()).setJobId(job.jobId())
        .setRound(task.getRound()).setRecordCount(view.data().trainSize());
    for (int i = 0; i < m.counts().length; i++) {
      b.addMoments(NumericMoments.newBuilder().setCount(m.counts()[i]).setSum(m.sums()[i])
          .setSumSquares(m.sumSquares()[i]));
    }
    StatsReport report = b.build();
    context.answers().send(job.jobId(), task.getRound(), "stats", view.data().trainSize(), report,
        stub -> stub.submitStats(report));
  }
}
