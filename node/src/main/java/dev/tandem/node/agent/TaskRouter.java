package dev.tandem.node.agent;

import dev.tandem.model.JobSpec;
import dev.tandem.node.vertical.VerticalParticipant;
import dev.tandem.node.vertical.scoring.ScoreResponder;
import dev.tandem.node.watch.AccessKind;
import dev.tandem.node.watch.AccessWatch;
import dev.tandem.node.watch.WatchedTransport;
import dev.tandem.proto.Wire;
import dev.tandem.proto.v1.Task;
import dev.tandem.proto.v1.VerticalStage;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Routes each task of the coordinator to the handler of its kind: scoring requests to the
 * {@link ScoreResponder}, a vertical job's stages to the {@link VerticalParticipant}, and a horizontal
 * job's tasks, once the {@link Admission} has let the job in, to one {@link JobTaskHandler} per kind
 * (statistics, training, evaluation, secure aggregation). The {@link AccessWatch} counts each task and
 * each refusal, and refuses the tasks of a job with a partner its leak alerts block.
 *
 * <p>Only aggregates leave: feature moments, trained parameters, metrics and score histograms, each
 * recorded with a hash of its bytes in the contribution log. Not thread-safe: the agent calls it from
 * one worker thread.
 */
final class TaskRouter implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(TaskRouter.class.getName());

  private final Admission admission;
  private final Map<Task.KindCase, JobTaskHandler> handlers;
  private final VerticalParticipant vertical;
  private final ScoreResponder scores;
  private final VerticalAnswers verticalAnswers;
  private final Answers answers;
  private final String site;
  private final AccessWatch watch;

  TaskRouter(Admission admission, Map<Task.KindCase, JobTaskHandler> handlers, VerticalParticipant vertical,
      ScoreResponder scores, VerticalAnswers verticalAnswers, Answers answers, String site, AccessWatch watch) {
    this.site = site;
    this.watch = watch;
    this.admission = admission;
    this.handlers = new EnumMap<>(handlers);
    this.vertical = vertical;
    this.scores = scores;
    this.verticalAnswers = verticalAnswers;
    this.answers = answers;
  }

  void handle(Task task) {
    if (task.hasVertical() && task.getVertical().getStage() == VerticalStage.VERTICAL_SCORE) {
      scores.respond(task, new WatchedTransport(watch, verticalAnswers));
      return;
    }
    // a vertical job's tasks carry its vertical spec; its JobEnded may carry no spec at all
    if (VerticalParticipant.isVertical(task) || (task.hasEnded() && !task.hasJob())) {
      if (!verticalBlocked(task)) {
        vertical.handle(task);
      }
      return;
    }
    JobSpec job;
    try {
      job = Wire.fromProto(task.getJob());
    } catch (IllegalArgumentException e) {
      answers.decline(task, "the job spec is invalid: " + e.getMessage());
      return;
    }
    if (task.hasEnded()) {
      handlers.values().forEach(h -> h.ended(job.jobId()));
      LOG.info(() -> "job " + job.jobId() + " ended: " + task.getEnded().getState() + " "
          + task.getEnded().getReason());
      return;
    }
    AccessKind kind = AccessKind.ofTask(task.getKindCase().name());
    Optional<Refusal> refusal = watch.admitJob(site, job.sites(), job.purpose(), kind).map(Refusal::permission)
        .or(() -> admission.refusal(job));
    if (refusal.isPresent()) {
      watch.refusedJob(site, job.sites(), job.purpose(), kind);
      answers.decline(task, refusal.get());
      return;
    }
    JobTaskHandler handler = handlers.get(task.getKindCase());
    if (handler == null) {
      answers.decline(task, "this node does not know task kind " + task.getKindCase());
      return;
    }
    handler.handle(task, job);
  }

  /**
   * Counts a vertical job's stage as training access by its other parties, and declines it
   * PERMISSION_DENIED naming the alert while one blocks any of them; a job's end always goes through.
   */
  private boolean verticalBlocked(Task task) {
    if (!task.hasVerticalJob() || task.hasEnded()) {
      return false;
    }
    List<String> parties = new ArrayList<>();
    parties.add(task.getVerticalJob().getGuest().getSite());
    task.getVerticalJob().getHostsList().forEach(h -> parties.add(h.getSite()));
    String purpose = task.getVerticalJob().getPurpose();
    Optional<String> blocked = watch.admitJob(site, parties, purpose, AccessKind.TRAINING);
    if (blocked.isEmpty()) {
      return false;
    }
    watch.refusedJob(site, parties, purpose, AccessKind.TRAINING);
    verticalAnswers.decline(task, "PERMISSION_DENIED", blocked.get());
    return true;
  }

  /** Ends the sessions of vertical jobs in progress. */
  @Override
  public void close() {
    vertical.close();
  }
}
