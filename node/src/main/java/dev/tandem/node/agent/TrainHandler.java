package dev.tandem.node.agent;

import dev.tandem.model.JobSpec;
import dev.tandem.node.training.LocalTraining;
import dev.tandem.node.training.RoundOutcome;
import dev.tandem.node.training.TrainResult;
import dev.tandem.proto.Wire;
import dev.tandem.proto.v1.ModelUpdate;
import dev.tandem.proto.v1.Task;
import java.util.Optional;

/**
 * Answers a TRAIN task: trains the global model on the consented records with the node's
 * {@link LocalTraining} (differential privacy is a decorator there), then sends the update in the
 * clear or starts the round's secure aggregation. A plain update is audited before it is sent, and a
 * refusal by the coordinator recorded after.
 */
final class TrainHandler implements JobTaskHandler {
  private final TaskContext context;
  private final Admission admission;
  private final Selections selections;
  private final LocalTraining training;
  private final SecAggHandler secure;

  TrainHandler(TaskContext context, Admission admission, Selections selections, LocalTraining training,
      SecAggHandler secure) {
    this.context = context;
    this.admission = admission;
    this.selections = selections;
    this.training = training;
    this.secure = secure;
  }

  @Override
  public void handle(Task task, JobSpec job) {
    ConsentGate.Consented view = context.select(job);
    Optional<Refusal> small = admission.trainingCohort(job, view);
    if (small.isPresent()) {
      context.answers().decline(task, small.get());
      return;
    }
    Selections.Encoded enc = selections.encoded(job, Wire.fromProto(task.getTrain().getNormalization()),
        view.data());
    double[] global = Wire.values(task.getTrain().getGlobal());
    if (global.length != job.architecture().parameterCount()) {
      context.answers().decline(task, "the global model has " + global.length + " parameters; the job's model has "
          + job.architecture().parameterCount());
      return;
    }
    Optional<Refusal> plain = admission.secureAggregation(job, task.getTrain());
    if (plain.isPresent()) {
      context.answers().decline(task, plain.get());
      return;
    }
    // in a secure round any t of the sites' inputs are summed: a distributed-DP site adds one of t noise shares
    int noiseShares = task.getTrain().hasSecagg() ? Math.max(1, task.getTrain().getSecagg().getThreshold()) : 1;
    RoundOutcome outcome = training.train(job, task.getRound(), global, enc.train(), noiseShares);
    if (outcome instanceof RoundOutcome.Refused refused) {
      context.answers().decline(task, refused.code(), refused.reason(), refused.epsilonLeft());
      return;
    }
    RoundOutcome.Trained trained = (RoundOutcome.Trained) outcome;
    TrainResult r = trained.result();
    RoundOutcome.Spent privacy = trained.spent();
    if (task.getTrain().hasSecagg()) {
      secure.begin(task, job, view, r, privacy);
      return;
    }
    ModelUpdate update = ModelUpdate.newBuilder().setTaskId(task.getTaskId()).setJobId(job.jobId())
        .setRound(task.getRound()).setSampleCount(r.sampleCount())
        .setParameters(Wire.parameters(r.parameters())).setTrainLoss(r.meanLoss())
        .setEpsilonSpent(privacy.epsilon()).setDelta(privacy.delta()).build();
    byte[] sent = update.toByteArray();
    // write-ahead: the use is audited before the update leaves, its outcome after
    context.gate().contributing(job, task.getRound(), view, privacy.auditedEpsilon(), sent);
    String answer = context.answers().sendFor(job.jobId(), task.getRound(), "update", r.sampleCount(), update,
        stub -> stub.submitUpdate(update));
    context.gate().answered(job.jobId(), task.getRound(), answer, sent, context.countersigner());
  }

  @Override
  public void ended(String jobId) {
    selections.forget(jobId);
  }
}
