package dev.tandem.node.vertical;

import dev.tandem.proto.v1.Task;
import dev.tandem.proto.v1.VerticalMessage;

/**
 * Where a vertical stage's answer goes: the coordinator's {@code SubmitVertical} and
 * {@code DeclineTask}. Implementations record what they send.
 */
public interface VerticalTransport {
  /** Sends the answer to {@code task}; returns whether the coordinator accepted it. */
  boolean submit(Task task, VerticalMessage answer);

  /**
   * Declines {@code task}.
   *
   * @param code a status code name, e.g. {@code PERMISSION_DENIED}
   * @param reason what a person can act on; holds no subject id
   */
  void decline(Task task, String code, String reason);
}
