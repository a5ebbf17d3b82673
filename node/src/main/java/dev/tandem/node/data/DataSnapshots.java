package dev.tandem.node.data;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The node's data, read per job: a job's first call of {@link #forJob} reads the source again, so new
 * data is used by the next job without a restart, and every later call for that job returns the same
 * snapshot, so all rounds of one job use one version. A snapshot whose {@link DataVersion} equals the
 * last one read is shared rather than held twice. The snapshots of the {@value #JOBS} most recent jobs
 * are kept. Thread-safe.
 */
public final class DataSnapshots {
  /** How many jobs' snapshots are kept. */
  static final int JOBS = 32;

  /** How long a snapshot serves {@link #current} before the source is read again. */
  public static final Duration DEFAULT_MAX_AGE = Duration.ofSeconds(30);

  private final Supplier<LocalData> reader;
  private final long maxAgeNanos;
  /** When {@link #latest} was read ({@link System#nanoTime}). */
  private long latestReadAt;
  private final Map<String, LocalData> byJob = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, LocalData> eldest) {
      return size() > JOBS;
    }
  };
  private LocalData latest;

  private DataSnapshots(Supplier<LocalData> reader, LocalData first, Duration maxAge) {
    this.reader = reader;
    this.latest = first;
    this.latestReadAt = System.nanoTime();
    this.maxAgeNanos = maxAge.toNanos();
  }

  /** Snapshots of {@code cfg}'s sources, the first read now (so a bad configuration fails at start). */
  public static DataSnapshots of(DataSourceConfig cfg) {
    return of(cfg, DEFAULT_MAX_AGE);
  }

  /**
   * As {@link #of(DataSourceConfig)}, {@link #current} reading the source again only once the last
   * snapshot is older than {@code maxAge} (zero: at every call).
   */
  public static DataSnapshots of(DataSourceConfig cfg, Duration maxAge) {
    Objects.requireNonNull(cfg, "cfg");
    if (maxAge.isNegative()) {
      throw new IllegalArgumentException("maxAge must not be negative, got " + maxAge);
    }
    return new DataSnapshots(() -> LocalData.load(cfg), LocalData.load(cfg), maxAge);
  }

  /** Always {@code data}: for tests and tools that hold their records in memory. */
  public static DataSnapshots fixed(LocalData data) {
    Objects.requireNonNull(data, "data");
    return new DataSnapshots(() -> data, data, Duration.ZERO);
  }

  /**
   * The snapshot of job {@code jobId}: read from the source at the job's first call, the same one after.
   *
   * @throws java.io.UncheckedIOException, CsvFormatException, DataSourceException, IllegalArgumentException
   *     as {@link LocalData#load} when the source cannot be read; the job's next call tries again
   */
  public synchronized LocalData forJob(String jobId) {
    Objects.requireNonNull(jobId, "jobId");
    LocalData held = byJob.get(jobId);
    if (held != null) {
      return held;
    }
    LocalData read = reader.get();
    if (latest != null && latest.version().equals(read.version())) {
      read = latest;
    }
    latest = read;
    latestReadAt = System.nanoTime();
    byJob.put(jobId, read);
    return read;
  }

  /**
   * The source as it is now, for a use that is not a job (a scoring request): the snapshot read last if
   * it is younger than the maximum age ({@link #DEFAULT_MAX_AGE} by default), else read now, the snapshot
   * read last shared if the version is the same; no job's snapshot is replaced or evicted.
   *
   * @throws java.io.UncheckedIOException, CsvFormatException, DataSourceException, IllegalArgumentException
   *     as {@link LocalData#load} when the source cannot be read
   */
  public LocalData current() {
    synchronized (this) {
      if (System.nanoTime() - latestReadAt < maxAgeNanos) {
        return latest; // a scoring burst does not read the whole source once per request
      }
    }
    LocalData read = reader.get();
    synchronized (this) {
      latestReadAt = System.nanoTime();
      if (latest != null && latest.version().equals(read.version())) {
        return latest;
      }
      latest = read;
      return read;
    }
  }

  /** The snapshot read last (at start, for the latest job or the latest {@link #current}). */
  public synchronized LocalData latest() {
    return latest;
  }
}
