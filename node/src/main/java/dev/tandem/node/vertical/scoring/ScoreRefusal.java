package dev.tandem.node.vertical.scoring;

import java.util.Objects;

/**
 * Why this node will not answer a scoring task: a status code name for the coordinator and a reason a
 * person can act on. The reason names sites, model versions and counts, never a subject id.
 */
final class ScoreRefusal extends Exception {
  private static final long serialVersionUID = 1L;

  private final String code;

  ScoreRefusal(String code, String reason) {
    super(Objects.requireNonNull(reason, "reason"), null, false, false);
    this.code = Objects.requireNonNull(code, "code");
  }

  static ScoreRefusal malformed(String reason) {
    return new ScoreRefusal("INVALID_ARGUMENT", reason);
  }

  static ScoreRefusal precondition(String reason) {
    return new ScoreRefusal("FAILED_PRECONDITION", reason);
  }

  static ScoreRefusal permission(String reason) {
    return new ScoreRefusal("PERMISSION_DENIED", reason);
  }

  /** The status code name, e.g. {@code FAILED_PRECONDITION}. */
  String code() {
    return code;
  }

  /** The reason, as the coordinator reports it to the requester. */
  String reason() {
    return getMessage();
  }
}
