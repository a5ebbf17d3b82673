package dev.tandem.node.agent;

import dev.tandem.model.JobSpec;
import dev.tandem.node.training.Evaluation;
import dev.tandem.node.training.Evaluator;
import dev.tandem.proto.Wire;
import dev.tandem.proto.v1.EvaluationReport;
import dev.tandem.proto.v1.Task;
import java.util.Optional;

/**
 * Answers an EVALUATE task with the model's metrics on the consented held-out records, if there are
 * at least the purpose's evaluation cohort of them.
 */
final class EvaluateHandler implements JobTaskHandler {
  private final TaskContext context;
  private final Admission admission;
  private final Selections selections;
  private final Evaluator evaluator = new Evaluator();

  EvaluateHandler(TaskContext context, Admission admission, Selections selections) {
    this.context = context;
    this.admission = admission;
    this.selections = selections;
  }

  @Override
  public void handle(Task task, JobSpec job) {
    ConsentGate.Consented view = context.select(job);
    Optional<Refusal> small = admission.evaluationCohort(job, view);
    if (small.isPresent()) {
      context.answers().decline(task, small.get());
      return;
    }
    Selections.Encoded enc = selections.encoded(job, Wire.fromProto(task.getEvaluate().getNormalization()),
        view.data());
    Evaluation e = evaluator.evaluate(job, Wire.values(task.getEvaluate().getModel()), enc.test());
    EvaluationReport.Builder b = EvaluationReport.newBuilder().setTaskId(task.getTaskId()).setJobId(job.jobId())
        .setRound(task.getRound()).setSampleCount(e.sampleCount()).setPositives(e.positives())
        .setLogLossSum(e.logLossSum()).setCorrect(e.correct()).setLocalAuc(Double.isNaN(e.auc()) ? 0 : e.auc());
    for (long v : e.histogram().positives()) {
      b.addPositiveHistogram(v);
    }
    for (long v : e.histogram().negatives()) {
      b.addNegativeHistogram(v);
    }
    EvaluationReport report = b.build();
    context.answers().send(job.jobId(), task.getRound(), "evaluation", e.sampleCount(), report,
        stub -> stub.submitEvaluation(report));
  }
}
