package dev.tandem.coordinator.grpc;

import dev.tandem.coordinator.rounds.Rejection;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/** Maps refusals to the gRPC status a caller can act on. */
final class Statuses {
  private Statuses() {}

  static StatusRuntimeException of(Rejection r) {
    Status status = switch (r.reason()) {
      case UNKNOWN_JOB -> Status.NOT_FOUND;
      case NOT_PARTICIPANT -> Status.PERMISSION_DENIED;
      case WRONG_ROUND -> Status.FAILED_PRECONDITION;
      case MALFORMED -> Status.INVALID_ARGUMENT;
      case UNAVAILABLE -> Status.UNAVAILABLE;
    };
    return status.withDescription(r.getMessage()).asRuntimeException();
  }
}
