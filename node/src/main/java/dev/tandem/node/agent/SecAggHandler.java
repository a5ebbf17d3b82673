package dev.tandem.node.agent;

import com.google.protobuf.ByteString;
import dev.tandem.crypto.secagg.FixedPoint;
import dev.tandem.crypto.secagg.SecAggConfig;
import dev.tandem.crypto.secagg.SecAggException;
import dev.tandem.model.JobSpec;
import dev.tandem.node.secagg.SecureRounds;
import dev.tandem.node.training.RoundOutcome;
import dev.tandem.node.training.TrainResult;
import dev.tandem.proto.v1.SecAggMessage;
import dev.tandem.proto.v1.SecAggParams;
import dev.tandem.proto.v1.SecAggStage;
import dev.tandem.proto.v1.SecAggTask;
import dev.tandem.proto.v1.Task;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This node's side of a secure round: {@link #begin} advertises its keys for an input (a trained
 * update, the feature moments or the evaluation metrics), and each SECAGG task then answers one stage
 * (key shares, masked input, unmasking). A training round is audited as contributed before its masked
 * input is sent, and a refusal of that input by the coordinator is recorded after.
 */
final class SecAggHandler implements JobTaskHandler {
  private final TaskContext context;
  private final SecureRounds secure;
  /** Per job: the consented selection and privacy spent of a secure round until its masked input is sent. */
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();

  private record Pending(int round, ConsentGate.Consented consented, RoundOutcome.Spent privacy) {}

  SecAggHandler(TaskContext context, SecureRounds secure) {
    this.context = context;
    this.secure = secure;
  }

  /** Starts the secure round of {@code task} with the trained update {@code r}: advertises this node's keys. */
  void begin(Task task, JobSpec job, ConsentGate.Consented view, TrainResult r, RoundOutcome.Spent privacy) {
    SecAggParams p = task.getTrain().getSecagg();
    double[] input;
    try {
      input = SecureRounds.input(r.parameters(), r.sampleCount(), r.meanLoss(), p.getClip());
    } catch (IllegalArgumentException e) {
      context.answers().decline(task, "cannot take part in secure aggregation: " + e.getMessage());
      return;
    }
    pending.put(job.jobId(), new Pending(task.getRound(), view, privacy));
    begin(task, job, p, input, r.sampleCount(), privacy);
  }

  /**
   * Starts the secure round {@code p} that {@code task} opened (statistics, training or evaluation) with
   * this node's {@code input}: advertises its keys. Declines the task when the input does not fit the
   * round.
   */
  void begin(Task task, JobSpec job, SecAggParams p, double[] input, long samples, RoundOutcome.Spent privacy) {
    byte[] advertisement;
    try {
      SecAggConfig config = new SecAggConfig(p.getRoundId(), p.getParticipantsList(), p.getThreshold(),
          new FixedPoint(p.getFractionalBits(), p.getClip()), p.getVectorLength());
      SecureRounds.checkRange(input, p.getClip());
      advertisement = secure.begin(job.jobId(), config, input);
    } catch (IllegalArgumentException | SecAggException e) {
      context.answers().decline(task, "cannot take part in secure aggregation: " + e.getMessage());
      return;
    }
    submit(task, job, SecAggStage.ADVERTISE_KEYS, samples, List.of(advertisement), privacy);
  }

  @Override
  public void handle(Task task, JobSpec job) {
    SecAggTask t = task.getSecagg();
    List<byte[]> messages = t.getMessagesList().stream().map(ByteString::toByteArray).toList();
    List<byte[]> payload;
    try {
      payload = switch (t.getStage()) {
        case SHARE_KEYS -> secure.shareKeys(job.jobId(), messages,
            t.getCertificatesList().stream().map(ByteString::toByteArray).toList());
        case MASKED_INPUT -> secure.maskInput(job.jobId(), messages);
        case UNMASKING -> List.of(secure.unmask(job.jobId(), Set.copyOf(t.getSurvivorsList())));
        default -> throw new SecAggException(SecAggException.Reason.MALFORMED, null,
            "unknown secure aggregation stage " + t.getStage());
      };
    } catch (SecAggException | IllegalArgumentException e) {
      secure.abandon(job.jobId());
      context.answers().decline(task, "secure aggregation refused: " + e.getMessage());
      return;
    }
    Pending p = pending.get(job.jobId());
    boolean input = t.getStage() == SecAggStage.MASKED_INPUT && p != null && p.round() == task.getRound();
    if (input) {
      // write-ahead: the masked input is a use of the records once it leaves, whatever the answer
      pending.remove(job.jobId());
      context.gate().contributing(job, p.round(), p.consented(), p.privacy().auditedEpsilon(), payload.get(0));
    }
    String outcome = submit(task, job, t.getStage(), 0, payload, RoundOutcome.Spent.NONE);
    if (input) {
      context.gate().answered(job.jobId(), p.round(), outcome, payload.get(0), context.countersigner());
    }
  }

  @Override
  public void ended(String jobId) {
    secure.abandon(jobId);
    pending.remove(jobId);
  }

  private String submit(Task task, JobSpec job, SecAggStage stage, long samples, List<byte[]> payload,
      RoundOutcome.Spent privacy) {
    SecAggMessage m = SecAggMessage.newBuilder().setTaskId(task.getTaskId()).setJobId(job.jobId())
        .setRound(task.getRound()).setStage(stage).setEpsilonSpent(privacy.epsilon()).setDelta(privacy.delta())
        .addAllPayload(payload.stream().map(ByteString::copyFrom).toList()).build();
    return context.answers().sendFor(job.jobId(), task.getRound(), "secagg-" + stage.name().toLowerCase(), samples, m,
        stub -> stub.submitSecAgg(m));
  }
}
