package dev.tandem.node.agent;

import dev.tandem.model.JobSpec;
import dev.tandem.model.aggregate.MetricsVector;
import dev.tandem.model.metrics.ScoreHistogram;
import dev.tandem.node.audit.RecordsUsed;
import dev.tandem.node.privacy.DpReleases;
import dev.tandem.node.training.Evaluation;
import dev.tandem.node.training.Evaluator;
import dev.tandem.node.training.RoundOutcome;
import dev.tandem.proto.Wire;
import dev.tandem.proto.v1.EvaluateTask;
import dev.tandem.proto.v1.EvaluationReport;
import dev.tandem.proto.v1.Task;
import java.util.Optional;

/**
 * Answers an EVALUATE task with the model's metrics on the consented held-out records, if there are
 * at least the purpose's evaluation cohort of them.
 *
 * <p>For a job with secure aggregation the counts and the score histogram leave only as this site's
 * masked input of the phase's secure aggregation ({@link MetricsVector}), and no per-site AUC at all; a
 * task that asks for them in the clear is declined. Under differential privacy each record's loss is
 * clipped, the histogram has {@link MetricsVector#DP_BINS} bins, the release is charged to the ledger and
 * the site adds its share of the Gaussian noise ({@link DpReleases}).
 *
 * <p>The answer (the report, or the masked input) is audited as a use of the held-out records
 * ({@code RECORDS_USED}, evaluation) before it leaves, and a refusal by the coordinator recorded after.
 */
final class EvaluateHandler implements JobTaskHandler {
  private final TaskContext context;
  private final Admission admission;
  private final Selections selections;
  private final SecAggHandler secure;
  private final DpReleases releases;
  private final Evaluator evaluator = new Evaluator();

  EvaluateHandler(TaskContext context, Admission admission, Selections selections, SecAggHandler secure,
      DpReleases releases) {
    this.context = context;
    this.admission = admission;
    this.selections = selections;
    this.secure = secure;
    this.releases = releases;
  }

  @Override
  public void handle(Task task, JobSpec job) {
    EvaluateTask t = task.getEvaluate();
    ConsentGate.Consented view = context.select(job);
    Optional<Refusal> small = admission.evaluationCohort(job, view);
    if (small.isPresent()) {
      context.answers().decline(task, small.get());
      return;
    }
    boolean masked = t.hasSecagg();
    Optional<Refusal> clear = admission.maskedOnly(job, masked, "evaluation metrics");
    if (clear.isPresent()) {
      context.answers().decline(task, clear.get());
      return;
    }
    boolean dp = job.privacy().dp() != null;
    int bins = dp ? MetricsVector.DP_BINS : t.getBins() == 0 ? ScoreHistogram.DEFAULT_BINS : t.getBins();
    if (bins > ScoreHistogram.DEFAULT_BINS) {
      context.answers().decline(task, Refusal.precondition("the task asks for " + bins
          + " histogram bins; this node sends at most " + ScoreHistogram.DEFAULT_BINS));
      return;
    }
    Selections.Encoded enc = selections.encoded(job, Wire.fromProto(t.getNormalization()), view.data());
    RoundOutcome.Spent spent = RoundOutcome.Spent.NONE;
    if (dp) {
      Optional<RoundOutcome.Refused> refused = releases.charge(job, task.getRound());
      if (refused.isPresent()) {
        context.answers().decline(task, refused.get().code(), refused.get().reason(), refused.get().epsilonLeft());
        return;
      }
      spent = releases.spent(job);
    }
    double lossClip = dp ? MetricsVector.DP_LOSS_CLIP : Double.POSITIVE_INFINITY;
    Evaluation e = evaluator.evaluate(job, Wire.values(t.getModel()), enc.test(), bins, lossClip);
    if (masked || dp) {
      double lossScale = dp ? MetricsVector.DP_LOSS_CLIP : 1;
      double[] v = MetricsVector.encode(e.sampleCount(), e.positives(), e.correct(), e.logLossSum(), lossScale,
          e.histogram());
      int shares = masked ? Math.max(1, t.getSecagg().getThreshold()) : 1;
      if (dp) {
        releases.addNoise(v, MetricsVector.SENSITIVITY, shares);
      }
      if (masked) {
        Double epsilon = spent.auditedEpsilon();
        secure.begin(task, job, t.getSecagg(), v, 0, spent, sent -> context.gate().using(job, task.getRound(),
            RecordsUsed.EVALUATION, view, view.data().testIds(), epsilon, sent));
        return;
      }
      MetricsVector.Metrics m = MetricsVector.decode(v, bins, lossScale);
      sendReport(task, job, view, spent, m.samples(), m.positives(), m.logLossSum(),
          Math.min(m.samples(), m.correct()), 0, m.histogram());
      return;
    }
    sendReport(task, job, view, spent, e.sampleCount(), e.positives(), e.logLossSum(), e.correct(),
        Double.isNaN(e.auc()) ? 0 : e.auc(), e.histogram());
  }

  private void sendReport(Task task, JobSpec job, ConsentGate.Consented view, RoundOutcome.Spent spent, long samples,
      long positives, double logLossSum, long correct, double localAuc, ScoreHistogram h) {
    EvaluationReport.Builder b = EvaluationReport.newBuilder().setTaskId(task.getTaskId()).setJobId(job.jobId())
        .setRound(task.getRound()).setSampleCount(samples).setPositives(Math.min(positives, samples))
        .setLogLossSum(logLossSum).setCorrect(correct).setLocalAuc(localAuc);
    for (long v : h.positives()) {
      b.addPositiveHistogram(v);
    }
    for (long v : h.negatives()) {
      b.addNegativeHistogram(v);
    }
    EvaluationReport report = b.build();
    byte[] sent = report.toByteArray();
    // write-ahead: the use is audited before the report leaves, its outcome after
    context.gate().using(job, task.getRound(), RecordsUsed.EVALUATION, view, view.data().testIds(),
        spent.auditedEpsilon(), sent);
    String outcome = context.answers().sendFor(job.jobId(), task.getRound(), "evaluation", samples, report,
        stub -> stub.submitEvaluation(report));
    context.gate().answered(job.jobId(), task.getRound(), outcome, sent, context.countersigner());
  }
}
