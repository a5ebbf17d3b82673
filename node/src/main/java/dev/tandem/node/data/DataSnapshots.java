package dev.tandem.node.data;

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

  private final Supplier<LocalData> reader;
  private final Map<String, LocalData> byJob = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, LocalData> eldest) {
      return size() > JOBS;
    }
  };
  private LocalData latest;

  private DataSnapshots(Supplier<LocalData> reader, LocalData first) {
    this.reader = reader;
    this.latest = first;
  }

  /** Snapshots of {@code cfg}'s sources, the first read now (so a bad configuration fails at start). */
  public static DataSnapshots of(DataSourceConfig cfg) {
    Objects.requireNonNull(cfg, "cfg");
    return new DataSnapshots(() -> LocalData.load(cfg), LocalData.load(cfg));
  }

  /** Always {@code data}: for tests and tools that hold their records in memory. */
  public static DataSnapshots fixed(LocalData data) {
    Objects.requireNonNull(data, "data");
    return new DataSnapshots(() -> data, data);
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
    byJob.put(jobId, read);
    return read;
  }

  /**
   * The source as it is now, for a use that is not a job (a scoring request): read now, the snapshot
   * read last shared if the version is the same; no job's snapshot is replaced or evicted.
   *
   * @throws java.io.UncheckedIOException, CsvFormatException, DataSourceException, IllegalArgumentException
   *     as {@link LocalData#load} when the source cannot be read
   */
  public LocalData current() {
    LocalData read = reader.get();
    synchronized (this) {
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
