package dev.tandem.node.data;

import dev.tandem.model.RowView;
import dev.tandem.node.consent.Consent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A node's records, split into training and held-out rows.
 *
 * <p>Rows are read under federation column names (through the source's column mapping); the id column
 * is not visible through them, so record ids stay inside this class. Immutable and thread-safe.
 */
public final class LocalData {

  private final List<Record> train;
  private final List<Record> test;
  /** Names a row can read in every file: mapped federation names and local columns, but not the id. */
  private final Set<String> readable;

  private LocalData(List<Record> train, List<Record> test, Set<String> readable) {
    this.train = List.copyOf(train);
    this.test = List.copyOf(test);
    this.readable = Set.copyOf(readable);
  }

  /**
   * Loads the records of {@code cfg}. Held-out rows come from {@code testCsv} when given, else a
   * record is held out when the first 64 bits of SHA-256(splitSeed as 8 big-endian bytes || id as
   * UTF-8), read as a fraction of 2^64, are below {@code testFraction}.
   *
   * @throws java.io.UncheckedIOException when a file cannot be read
   * @throws CsvFormatException when a file is malformed
   * @throws IllegalArgumentException when the id column or a mapped column is missing, or an id is
   *     blank or repeats within a file (the message gives the line, not the id)
   */
  public static LocalData load(DataSourceConfig cfg) {
    Objects.requireNonNull(cfg, "cfg");
    CsvTable main = CsvTable.read(cfg.csv());
    List<Record> all = records(main, cfg, cfg.csv().toString());
    Set<String> readable = readable(main, cfg);
    if (cfg.testCsv() != null) {
      CsvTable held = CsvTable.read(cfg.testCsv());
      readable.retainAll(readable(held, cfg));
      return new LocalData(all, records(held, cfg, cfg.testCsv().toString()), readable);
    }
    List<Record> train = new ArrayList<>();
    List<Record> test = new ArrayList<>();
    MessageDigest sha = sha256();
    for (Record r : all) {
      (heldOut(sha, cfg.splitSeed(), r.id, cfg.testFraction()) ? test : train).add(r);
    }
    return new LocalData(train, test, readable);
  }

  private static Set<String> readable(CsvTable table, DataSourceConfig cfg) {
    Set<String> names = new HashSet<>();
    for (String column : table.columns()) {
      if (!column.equals(cfg.idColumn())) {
        names.add(column);
      }
    }
    cfg.columnMapping().forEach((federation, local) -> {
      if (!local.equals(cfg.idColumn())) {
        names.add(federation);
      }
    });
    return names;
  }

  private static List<Record> records(CsvTable table, DataSourceConfig cfg, String source) {
    if (!table.hasColumn(cfg.idColumn())) {
      throw new IllegalArgumentException(source + " has no id column '" + cfg.idColumn() + "'");
    }
    for (Map.Entry<String, String> e : cfg.columnMapping().entrySet()) {
      if (!table.hasColumn(e.getValue())) {
        throw new IllegalArgumentException(source + " has no column '" + e.getValue()
            + "' (mapped from '" + e.getKey() + "')");
      }
    }
    Set<String> seen = new HashSet<>();
    List<Record> out = new ArrayList<>(table.size());
    for (int i = 0; i < table.size(); i++) {
      String id = table.value(i, cfg.idColumn());
      if (id == null || id.isBlank()) {
        throw new IllegalArgumentException(source + " line " + table.line(i) + ": blank id");
      }
      if (Consent.loneSurrogate(id) >= 0) {
        throw new IllegalArgumentException(source + " line " + table.line(i)
            + ": the id is not well-formed Unicode (a lone surrogate)");
      }
      if (!seen.add(id)) {
        throw new IllegalArgumentException(source + " line " + table.line(i) + ": repeated id");
      }
      out.add(new Record(id, table.row(i), cfg.idColumn(), cfg.columnMapping()));
    }
    return out;
  }

  static boolean heldOut(MessageDigest sha, long seed, String id, double fraction) {
    sha.reset();
    sha.update(ByteBuffer.allocate(Long.BYTES).putLong(seed).array());
    byte[] h = sha.digest(id.getBytes(StandardCharsets.UTF_8));
    long top = ByteBuffer.wrap(h, 0, Long.BYTES).getLong();
    double u = (top >>> 11) * 0x1.0p-53; // uniform in [0, 1)
    return u < fraction;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is unavailable", e);
    }
  }

  /** The training rows, in file order. */
  public List<RowView> train() {
    return Collections.unmodifiableList(train);
  }

  /** The held-out rows, in file order. */
  public List<RowView> test() {
    return Collections.unmodifiableList(test);
  }

  /** The number of training rows. */
  public int trainSize() {
    return train.size();
  }

  /** The number of held-out rows. */
  public int testSize() {
    return test.size();
  }

  /** The ids of the training rows, in file order: for tests and the local audit only, never to be sent. */
  public Set<String> trainIds() {
    Set<String> ids = new LinkedHashSet<>();
    train.forEach(r -> ids.add(r.id));
    return Collections.unmodifiableSet(ids);
  }

  /** The ids of the held-out rows, in file order: for tests and the local audit only, never to be sent. */
  public Set<String> testIds() {
    Set<String> ids = new LinkedHashSet<>();
    test.forEach(r -> ids.add(r.id));
    return Collections.unmodifiableSet(ids);
  }

  /**
   * The records whose id {@code keep} accepts, in both splits (for consent filtering and erasure);
   * this instance is unchanged.
   */
  public LocalData retain(Predicate<String> keep) {
    Objects.requireNonNull(keep, "keep");
    return new LocalData(train.stream().filter(r -> keep.test(r.id)).toList(),
        test.stream().filter(r -> keep.test(r.id)).toList(), readable);
  }

  /**
   * Whether rows can read {@code federationColumn} (a mapped name or a local column, never the id column).
   */
  public boolean hasColumn(String federationColumn) {
    return readable.contains(Objects.requireNonNull(federationColumn, "federationColumn"));
  }

  /**
   * The names among {@code federationColumns} that no row can read (no such local column, or the id
   * column), in the given order: a job whose features or label are listed here would silently
   * train on missing values, so the node should refuse it.
   */
  public List<String> missingColumns(Collection<String> federationColumns) {
    Objects.requireNonNull(federationColumns, "federationColumns");
    return federationColumns.stream().filter(c -> !readable.contains(c)).distinct().toList();
  }

  /** One record read under federation names; the id column reads as absent. */
  private static final class Record implements RowView {
    private final String id;
    private final RowView row;
    private final String idColumn;
    private final Map<String, String> mapping;

    Record(String id, RowView row, String idColumn, Map<String, String> mapping) {
      this.id = id;
      this.row = row;
      this.idColumn = idColumn;
      this.mapping = mapping;
    }

    @Override
    public String get(String column) {
      String local = mapping.getOrDefault(column, column);
      return local.equals(idColumn) ? null : row.get(local);
    }

    @Override
    public String toString() {
      return "Record[id hidden]";
    }
  }
}
