package dev.tandem.node.data;

import dev.tandem.model.RowView;
import dev.tandem.node.consent.Consent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
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

  private final DataVersion version;

  private LocalData(List<Record> train, List<Record> test, Set<String> readable, DataVersion version) {
    this.train = List.copyOf(train);
    this.test = List.copyOf(test);
    this.readable = Set.copyOf(readable);
    this.version = version;
  }

  /** The version of the snapshot these records were read from (recorded in the audit entries of rounds). */
  public DataVersion version() {
    return version;
  }

  /**
   * Loads the records of {@code cfg}, streaming its source(s). Held-out rows come from {@code heldOut}
   * when given, else a record is held out when the first 64 bits of SHA-256(splitSeed as 8 big-endian
   * bytes || id as UTF-8), read as a fraction of 2^64, are below {@code testFraction}. Each record is
   * kept as its id and its cells packed in one byte array ({@link EncodedRow}), not as strings.
   *
   * @throws java.io.UncheckedIOException when a file cannot be read
   * @throws CsvFormatException when a file is malformed
   * @throws DataSourceException when a query fails or returns a column the node cannot read
   * @throws IllegalArgumentException when the id column or a mapped column is missing, or an id is
   *     blank or repeats within a source (the message gives the line or row, not the id)
   */
  public static LocalData load(DataSourceConfig cfg) {
    Objects.requireNonNull(cfg, "cfg");
    Loader main = new Loader(cfg.source(), cfg);
    DataVersion version = cfg.source().read(main);
    Set<String> readable = main.readable();
    if (cfg.heldOut() != null) {
      Loader held = new Loader(cfg.heldOut(), cfg);
      DataVersion heldVersion = cfg.heldOut().read(held);
      readable.retainAll(held.readable());
      return new LocalData(main.records, held.records, readable, DataVersion.combine(version, heldVersion));
    }
    List<Record> train = new ArrayList<>();
    List<Record> test = new ArrayList<>();
    MessageDigest sha = DataVersion.newSha256();
    for (Record r : main.records) {
      (heldOut(sha, cfg.splitSeed(), r.id, cfg.testFraction()) ? test : train).add(r);
    }
    main.records.clear();
    return new LocalData(train, test, readable, version);
  }

  /** Receives one source's rows, checks its ids and columns, and packs each row. */
  private static final class Loader implements DataSource.RowSink {
    private final DataSource source;
    private final DataSourceConfig cfg;
    private final List<Record> records = new ArrayList<>();
    private final Set<String> seen = new HashSet<>();
    private Layout layout;
    private List<String> columns;

    Loader(DataSource source, DataSourceConfig cfg) {
      this.source = source;
      this.cfg = cfg;
    }

    @Override
    public void columns(List<String> names) {
      columns = List.copyOf(names);
      if (!columns.contains(cfg.idColumn())) {
        throw new IllegalArgumentException(source.name() + " has no id column '" + cfg.idColumn() + "'");
      }
      for (Map.Entry<String, String> e : cfg.columnMapping().entrySet()) {
        if (!columns.contains(e.getValue())) {
          throw new IllegalArgumentException(source.name() + " has no column '" + e.getValue()
              + "' (mapped from '" + e.getKey() + "')");
        }
      }
      layout = new Layout(columns, cfg.idColumn(), cfg.columnMapping());
    }

    @Override
    public void row(String[] cells, long at) {
      String id = cells[layout.id];
      if (id == null || id.isBlank()) {
        throw new IllegalArgumentException(source.where(at) + ": blank id");
      }
      if (Consent.loneSurrogate(id) >= 0) {
        throw new IllegalArgumentException(source.where(at)
            + ": the id is not well-formed Unicode (a lone surrogate)");
      }
      if (!seen.add(id)) {
        throw new IllegalArgumentException(source.where(at) + ": repeated id");
      }
      records.add(new Record(id, EncodedRow.encode(cells, layout.id), layout));
    }

    /** Names a row can read: mapped federation names and local columns, but not the id. */
    Set<String> readable() {
      Set<String> names = new HashSet<>();
      for (String column : columns) {
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
  }

  static boolean heldOut(MessageDigest sha, long seed, String id, double fraction) {
    sha.reset();
    sha.update(ByteBuffer.allocate(Long.BYTES).putLong(seed).array());
    byte[] h = sha.digest(id.getBytes(StandardCharsets.UTF_8));
    long top = ByteBuffer.wrap(h, 0, Long.BYTES).getLong();
    double u = (top >>> 11) * 0x1.0p-53; // uniform in [0, 1)
    return u < fraction;
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
        test.stream().filter(r -> keep.test(r.id)).toList(), readable, version);
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

  /** Where a source's columns are: their index, the id column's, and the federation mapping. */
  private static final class Layout {
    private final Map<String, Integer> index = new HashMap<>();
    private final int id;
    private final String idColumn;
    private final Map<String, String> mapping;

    Layout(List<String> columns, String idColumn, Map<String, String> mapping) {
      for (int i = 0; i < columns.size(); i++) {
        index.put(columns.get(i), i);
      }
      this.id = index.get(idColumn);
      this.idColumn = idColumn;
      this.mapping = mapping;
    }
  }

  /** One record read under federation names; the id column reads as absent. */
  private static final class Record implements RowView {
    private final String id;
    private final byte[] cells;
    private final Layout layout;

    Record(String id, byte[] cells, Layout layout) {
      this.id = id;
      this.cells = cells;
      this.layout = layout;
    }

    @Override
    public String get(String column) {
      String local = layout.mapping.getOrDefault(column, column);
      if (local.equals(layout.idColumn)) {
        return null;
      }
      Integer i = layout.index.get(local);
      return i == null ? null : EncodedRow.decode(cells, i);
    }

    @Override
    public String toString() {
      return "Record[id hidden]";
    }
  }
}
