package dev.tandem.node.vertical;

import java.util.Objects;

/**
 * Why this node will not do a stage of a vertical job: a status code name for the coordinator and a
 * reason a person can act on. The reason names sites, stages and counts, never a subject id.
 */
public final class Refusal extends Exception {
  private static final long serialVersionUID = 1L;

  public static final String PERMISSION_DENIED = "PERMISSION_DENIED";
  public static final String FAILED_PRECONDITION = "FAILED_PRECONDITION";
  public static final String INVALID_ARGUMENT = "INVALID_ARGUMENT";
  public static final String INTERNAL = "INTERNAL";

  private final String code;

  Refusal(String code, String reason) {
    super(Objects.requireNonNull(reason, "reason"));
    this.code = Objects.requireNonNull(code, "code");
  }

  Refusal(String code, String reason, Throwable cause) {
    super(Objects.requireNonNull(reason, "reason"), cause);
    this.code = Objects.requireNonNull(code, "code");
  }

  static Refusal permission(String reason) {
    return new Refusal(PERMISSION_DENIED, reason);
  }

  static Refusal precondition(String reason) {
    return new Refusal(FAILED_PRECONDITION, reason);
  }

  static Refusal malformed(String reason) {
    return new Refusal(INVALID_ARGUMENT, reason);
  }

  /** The status code name, e.g. {@code FAILED_PRECONDITION}. */
  public String code() {
    return code;
  }

  /** The reason, as the coordinator reports it. */
  public String reason() {
    return getMessage();
  }
}
