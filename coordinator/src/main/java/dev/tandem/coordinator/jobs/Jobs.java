package dev.tandem.coordinator.jobs;

import dev.tandem.coordinator.rounds.Rejection;
import dev.tandem.coordinator.rounds.Rejection.Reason;
import dev.tandem.coordinator.sites.ConnectedSites;
import dev.tandem.coordinator.store.ModelRegistry;
import dev.tandem.coordinator.vertical.VerticalJobRunner;
import dev.tandem.model.JobSpec;
import dev.tandem.model.vertical.VerticalJobSpec;
import java.util.Collection;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The jobs this coordinator runs: accepts new ones, routes answers to the running one they name.
 *
 * <p>Thread-safe. Each job, horizontal or vertical, runs on its own thread; job ids are unique
 * across both kinds. A finished job keeps its event history for watchers until the process ends,
 * and its model versions in the registry for good.
 */
public final class Jobs implements AutoCloseable {
  private final ConnectedSites sites;
  private final ModelRegistry registry;
  private final Set<String> acceptedSites;
  private final Duration roundTimeout;
  private final Duration connectTimeout;
  private final Clock clock;
  private final ConcurrentHashMap<String, JobRunner> runners = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, VerticalJobRunner> verticalRunners = new ConcurrentHashMap<>();
  private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "tandem-job");
    t.setDaemon(true);
    return t;
  });
  private final SecureRandom random = new SecureRandom();

  public Jobs(ConnectedSites sites, ModelRegistry registry, Set<String> acceptedSites, Duration roundTimeout,
      Duration connectTimeout, Clock clock) {
    this.sites = sites;
    this.registry = registry;
    this.acceptedSites = Set.copyOf(acceptedSites);
    this.roundTimeout = roundTimeout;
    this.connectTimeout = connectTimeout;
    this.clock = clock;
    sites.onDisconnect(site -> {
      runners.values().forEach(r -> r.siteDisconnected(site));
      verticalRunners.values().forEach(r -> r.siteDisconnected(site));
    });
  }

  /**
   * Starts a job and returns its id (assigned if the spec has none).
   *
   * @throws IllegalArgumentException if a site is not one of this coordinator's, or the id is taken
   */
  public synchronized String submit(JobSpec spec) {
    String id = newId(spec.jobId(), spec.purpose(), spec.sites());
    JobSpec withId = spec.withJobId(id);
    JobRunner runner = new JobRunner(withId, sites, registry, new JobEvents(), roundTimeout, connectTimeout, clock);
    registry.jobStarted(withId, clock.instant());
    runners.put(id, runner);
    executor.execute(runner);
    return id;
  }

  /**
   * Starts a vertical job and returns its id (assigned if the spec has none); the coordinator relays
   * its sealed messages and holds no key of it.
   *
   * @throws IllegalArgumentException if a party is not one of this coordinator's sites, or the id is taken
   */
  public synchronized String submitVertical(VerticalJobSpec spec) {
    String id = newId(spec.jobId(), spec.purpose(), spec.sites());
    VerticalJobSpec withId = spec.withJobId(id);
    VerticalJobRunner runner = new VerticalJobRunner(withId, sites, registry, new JobEvents(), roundTimeout,
        connectTimeout, clock);
    registry.jobStarted(withId, clock.instant());
    verticalRunners.put(id, runner);
    executor.execute(runner);
    return id;
  }

  private String newId(String requested, String purpose, Collection<String> jobSites) {
    for (String site : jobSites) {
      if (!acceptedSites.contains(site)) {
        throw new IllegalArgumentException("site '" + site + "' is not one of this coordinator's sites "
            + acceptedSites);
      }
    }
    String id = requested.isEmpty()
        ? purpose.replaceAll("[^A-Za-z0-9._-]", "-") + "-" + HexFormat.of().formatHex(randomBytes())
        : requested;
    if (runners.containsKey(id) || verticalRunners.containsKey(id) || registry.job(id).isPresent()) {
      throw new IllegalArgumentException("job id '" + id + "' is already used");
    }
    return id;
  }

  /** The runner of a horizontal job started by this process. */
  public Optional<JobRunner> runner(String jobId) {
    return Optional.ofNullable(runners.get(jobId));
  }

  /** The event history of a job, horizontal or vertical, started by this process. */
  public Optional<JobEvents> events(String jobId) {
    JobRunner r = runners.get(jobId);
    if (r != null) {
      return Optional.of(r.events());
    }
    return Optional.ofNullable(verticalRunners.get(jobId)).map(VerticalJobRunner::events);
  }

  /**
   * The runner a horizontal answer is for.
   *
   * @throws Rejection with {@link Reason#UNKNOWN_JOB} if no such job runs here, or
   *     {@link Reason#WRONG_ROUND} if it is a vertical job
   */
  public JobRunner require(String jobId) throws Rejection {
    JobRunner r = runners.get(jobId);
    if (r == null) {
      if (verticalRunners.containsKey(jobId)) {
        throw new Rejection(Reason.WRONG_ROUND, "job '" + jobId + "' is a vertical job: answer its tasks with "
            + "SubmitVertical");
      }
      throw new Rejection(Reason.UNKNOWN_JOB, "no job '" + jobId + "' runs on this coordinator");
    }
    return r;
  }

  /**
   * The runner a vertical answer is for.
   *
   * @throws Rejection with {@link Reason#UNKNOWN_JOB} if no such job runs here, or
   *     {@link Reason#WRONG_ROUND} if it is a horizontal job
   */
  public VerticalJobRunner requireVertical(String jobId) throws Rejection {
    VerticalJobRunner r = verticalRunners.get(jobId);
    if (r == null) {
      if (runners.containsKey(jobId)) {
        throw new Rejection(Reason.WRONG_ROUND, "job '" + jobId + "' is a horizontal job: SubmitVertical answers "
            + "only vertical jobs");
      }
      throw new Rejection(Reason.UNKNOWN_JOB, "no vertical job '" + jobId + "' runs on this coordinator");
    }
    return r;
  }

  /**
   * A site declines its task of a job of either kind.
   *
   * @throws Rejection as the job's runner refuses it, or {@link Reason#UNKNOWN_JOB}
   */
  public void decline(String jobId, String site, int round, String reason) throws Rejection {
    VerticalJobRunner vertical = verticalRunners.get(jobId);
    if (vertical != null) {
      vertical.decline(site, reason);
    } else {
      require(jobId).decline(site, round, reason);
    }
  }

  private byte[] randomBytes() {
    byte[] b = new byte[4];
    random.nextBytes(b);
    return b;
  }

  @Override
  public void close() {
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
