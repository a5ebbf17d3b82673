package dev.tandem.node.watch;

import dev.tandem.node.vertical.VerticalTransport;
import dev.tandem.proto.v1.Task;
import dev.tandem.proto.v1.VerticalMessage;
import java.util.Objects;

/**
 * A {@link VerticalTransport} that reports every declined scoring task to the watch as a refusal of
 * its requester (the coordinator when the task names none), so that bursts of refusals are seen.
 */
public final class WatchedTransport implements VerticalTransport {
  private final AccessWatch watch;
  private final VerticalTransport delegate;

  public WatchedTransport(AccessWatch watch, VerticalTransport delegate) {
    this.watch = Objects.requireNonNull(watch, "watch");
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  @Override
  public boolean submit(Task task, VerticalMessage answer) {
    return delegate.submit(task, answer);
  }

  @Override
  public void decline(Task task, String code, String reason) {
    try {
      String requester = task.getVertical().getRequester().getSite();
      watch.refused(Access.of(requester.isBlank() ? "coordinator" : requester, null, AccessKind.SCORING));
    } finally {
      delegate.decline(task, code, reason);
    }
  }
}
