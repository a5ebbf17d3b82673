package dev.tandem.node.admin;

/** A request the admin API refuses, with the HTTP status and a message for the caller (no stack trace). */
final class AdminError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;

  private AdminError(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  static AdminError badRequest(String message) {
    return new AdminError(400, message);
  }

  static AdminError notFound(String message) {
    return new AdminError(404, message);
  }

  static AdminError conflict(String message) {
    return new AdminError(409, message);
  }

  int status() {
    return status;
  }
}
