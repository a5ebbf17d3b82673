package dev.tandem.node.agent;

import dev.tandem.model.JobSpec;
import dev.tandem.proto.v1.Task;

/**
 * Does one kind of a horizontal job's task, once the {@link Admission} has let the job in, and
 * answers or declines it. Called from the agent's one worker thread.
 */
interface JobTaskHandler {
  /** Does {@code task} of the admitted {@code job}. */
  void handle(Task task, JobSpec job);

  /** Forgets what this handler keeps for a job that has ended (default: nothing kept). */
  default void ended(String jobId) {}
}
