package dev.tandem.coordinator.sites;

import dev.tandem.proto.v1.Task;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * The task streams of the sites connected right now.
 *
 * <p>Thread-safe. A site has at most one stream; a new subscription supersedes the old one, which
 * is closed with {@code ABORTED}. Listeners hear of every disconnection.
 */
public final class ConnectedSites {
  private static final Logger LOG = Logger.getLogger(ConnectedSites.class.getName());

  private final ConcurrentHashMap<String, TaskStream> streams = new ConcurrentHashMap<>();
  private final List<Consumer<String>> disconnectListeners = new CopyOnWriteArrayList<>();
  private final Object connectedSignal = new Object();

  /** Registers the stream of a site that just subscribed, with the certificate it presented. */
  public void connect(String site, X509Certificate certificate, ServerCallStreamObserver<Task> observer) {
    TaskStream stream = new TaskStream(observer, certificate);
    observer.setOnCancelHandler(() -> disconnected(site, stream));
    TaskStream previous = streams.put(site, stream);
    if (previous != null) {
      previous.close(Status.ABORTED.withDescription("superseded by a newer subscription of site '" + site + "'"));
    }
    LOG.info(() -> "site '" + site + "' connected");
    synchronized (connectedSignal) {
      connectedSignal.notifyAll();
    }
  }

  /** Sends a task; returns false if the site is not connected or its stream broke. */
  public boolean send(String site, Task task) {
    TaskStream stream = streams.get(site);
    if (stream == null) {
      return false;
    }
    if (!stream.send(task)) {
      disconnected(site, stream);
      return false;
    }
    return true;
  }

  public Set<String> connected() {
    return Set.copyOf(new TreeSet<>(streams.keySet()));
  }

  public boolean isConnected(String site) {
    return streams.containsKey(site);
  }

  /** The certificate a connected site presented, if it is connected. */
  public Optional<X509Certificate> certificate(String site) {
    TaskStream s = streams.get(site);
    return s == null ? Optional.empty() : Optional.of(s.certificate);
  }

  /** Adds a listener called with the site id whenever a site's stream ends. */
  public void onDisconnect(Consumer<String> listener) {
    disconnectListeners.add(listener);
  }

  /**
   * Waits until all the given sites are connected, or until the timeout if at least {@code min}
   * of them are.
   *
   * @return the connected subset when it returned
   */
  public Set<String> await(Collection<String> sites, int min, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (connectedSignal) {
      while (true) {
        Set<String> present = present(sites);
        long left = deadline - System.nanoTime();
        if (present.size() == sites.size() || left <= 0) {
          return present;
        }
        connectedSignal.wait(Math.max(1, left / 1_000_000));
      }
    }
  }

  private Set<String> present(Collection<String> sites) {
    Set<String> present = new TreeSet<>();
    for (String s : sites) {
      if (streams.containsKey(s)) {
        present.add(s);
      }
    }
    return present;
  }

  /** Ends the streams of sites whose certificate matches {@code revoked}; returns their ids. */
  public Set<String> disconnectIf(java.util.function.Predicate<X509Certificate> revoked, Status status) {
    Set<String> cut = new TreeSet<>();
    streams.forEach((site, stream) -> {
      if (revoked.test(stream.certificate)) {
        disconnected(site, stream); // first, so that no task goes out on a stream about to close
        stream.close(status);
        cut.add(site);
      }
    });
    return cut;
  }

  /** Ends every stream, as the server shuts down. */
  public void closeAll() {
    streams.forEach((site, stream) -> stream.close(Status.UNAVAILABLE.withDescription("coordinator shutting down")));
    streams.clear();
  }

  private void disconnected(String site, TaskStream stream) {
    if (streams.remove(site, stream)) {
      LOG.info(() -> "site '" + site + "' disconnected");
      for (Consumer<String> l : disconnectListeners) {
        l.accept(site);
      }
    }
  }

  private static final class TaskStream {
    private final ServerCallStreamObserver<Task> observer;
    private final X509Certificate certificate;
    private boolean closed;

    TaskStream(ServerCallStreamObserver<Task> observer, X509Certificate certificate) {
      this.observer = observer;
      this.certificate = certificate;
    }

    synchronized boolean send(Task task) {
      if (closed || observer.isCancelled()) {
        return false;
      }
      try {
        observer.onNext(task);
        return true;
      } catch (RuntimeException e) {
        closed = true;
        return false;
      }
    }

    synchronized void close(Status status) {
      if (!closed) {
        closed = true;
        try {
          observer.onError(status.asRuntimeException());
        } catch (RuntimeException ignored) {
          // the call is already gone
        }
      }
    }
  }
}
