package dev.tandem.coordinator.jobs;

import dev.tandem.coordinator.rounds.Rejection;
import dev.tandem.coordinator.rounds.Rejection.Reason;
import dev.tandem.coordinator.sites.ConnectedSites;
import dev.tandem.coordinator.store.ModelRegistry;
import dev.tandem.model.JobSpec;
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
 * <p>Thread-safe. Each job runs on its own thread; a finished job keeps its event history for
 * watchers until the process ends, and its model versions in the registry for good.
 */
public final class Jobs implements AutoCloseable {
  private final ConnectedSites sites;
  private final ModelRegistry registry;
  private final Set<String> acceptedSites;
  private final Duration roundTimeout;
  private final Duration connectTimeout;
  private final Clock clock;
  private final ConcurrentHashMap<String, JobRunner> runners = new ConcurrentHashMap<>();
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
    sites.onDisconnect(site -> runners.values().forEach(r -> r.siteDisconnected(site)));
  }

  /**
   * Starts a job and returns its id (assigned if the spec has none).
   *
   * @throws IllegalArgumentException if a site is not one of this coordinator's, or the id is taken
   */
  public String submit(JobSpec spec) {
    for (String site : spec.sites()) {
      if (!acceptedSites.contains(site)) {
        throw new IllegalArgumentException("site '" + site + "' is not one of this coordinator's sites "
            + acceptedSites);
      }
    }
    String id = spec.jobId().isEmpty()
        ? spec.purpose().replaceAll("[^A-Za-z0-9._-]", "-") + "-" + HexFormat.of().formatHex(randomBytes())
        : spec.jobId();
    JobSpec withId = spec.withJobId(id);
    if (runners.containsKey(id) || registry.job(id).isPresent()) {
      throw new IllegalArgumentException("job id '" + id + "' is already used");
    }
    JobRunner runner = new JobRunner(withId, sites, registry, new JobEvents(), roundTimeout, connectTimeout, clock);
    registry.jobStarted(withId, clock.instant());
    runners.put(id, runner);
    executor.execute(runner);
    return id;
  }

  /** The runner of a job started by this process. */
  public Optional<JobRunner> runner(String jobId) {
    return Optional.ofNullable(runners.get(jobId));
  }

  /**
   * The runner an answer is for.
   *
   * @throws Rejection with {@link Reason#UNKNOWN_JOB} if no such job runs here
   */
  public JobRunner require(String jobId) throws Rejection {
    JobRunner r = runners.get(jobId);
    if (r == null) {
      throw new Rejection(Reason.UNKNOWN_JOB, "no job '" + jobId + "' runs on this coordinator");
    }
    return r;
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
