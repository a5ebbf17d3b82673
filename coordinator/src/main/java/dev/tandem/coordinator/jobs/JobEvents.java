package dev.tandem.coordinator.jobs;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The event history of one job and the watchers that hear each new event.
 *
 * <p>Thread-safe. A watcher that subscribes late first receives the history; a watcher is dropped
 * after the {@link JobEvent.Finished} event.
 */
public final class JobEvents {
  private final List<JobEvent> history = new ArrayList<>();
  private final List<Consumer<JobEvent>> watchers = new ArrayList<>();

  public synchronized void publish(JobEvent event) {
    history.add(event);
    for (Consumer<JobEvent> w : List.copyOf(watchers)) {
      deliver(w, event);
    }
    if (event instanceof JobEvent.Finished) {
      watchers.clear();
    }
  }

  public synchronized void watch(Consumer<JobEvent> watcher) {
    for (JobEvent e : history) {
      deliver(watcher, e);
    }
    if (history.isEmpty() || !(history.get(history.size() - 1) instanceof JobEvent.Finished)) {
      watchers.add(watcher);
    }
  }

  public synchronized void unwatch(Consumer<JobEvent> watcher) {
    watchers.remove(watcher);
  }

  public synchronized List<JobEvent> history() {
    return List.copyOf(history);
  }

  private void deliver(Consumer<JobEvent> w, JobEvent e) {
    try {
      w.accept(e);
    } catch (RuntimeException ex) {
      watchers.remove(w);
    }
  }
}
