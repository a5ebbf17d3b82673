package dev.tandem.node.data;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Where a node's records are and how to read them.
 *
 * <p>{@code source} is a CSV file or a SQL query ({@link DataSource}); its columns are named by the
 * file's header or the query's column labels. {@code columnMapping} maps a federation column name to
 * the local column; names it does not mention are read from the column of the same name (null means no
 * mapping). {@code heldOut} is an optional held-out source with the same layout; without it,
 * {@code testFraction} of the records (default {@value #DEFAULT_TEST_FRACTION}) are held out by a hash of
 * {@code splitSeed} and the record id.
 *
 * @throws IllegalArgumentException from the constructor when a value is out of range
 */
public record DataSourceConfig(DataSource source, String idColumn, Map<String, String> columnMapping,
    DataSource heldOut, double testFraction, long splitSeed) {

  /** The share of records held out for testing when no test file is given. */
  public static final double DEFAULT_TEST_FRACTION = 0.2;

  public DataSourceConfig {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(idColumn, "idColumn");
    if (idColumn.isBlank()) {
      throw new IllegalArgumentException("idColumn must not be blank");
    }
    columnMapping = columnMapping == null ? Map.of() : Map.copyOf(columnMapping);
    for (Map.Entry<String, String> e : columnMapping.entrySet()) {
      if (e.getKey().isBlank() || e.getValue().isBlank()) {
        throw new IllegalArgumentException("column mapping '" + e.getKey() + "' -> '" + e.getValue()
            + "' has a blank name");
      }
    }
    if (!(testFraction >= 0 && testFraction < 1)) {
      throw new IllegalArgumentException("testFraction must be in [0, 1), got " + testFraction);
    }
  }

  /** A CSV file, with an optional held-out CSV file ({@code testCsv}, null for a hashed split). */
  public DataSourceConfig(Path csv, String idColumn, Map<String, String> columnMapping, Path testCsv,
      double testFraction, long splitSeed) {
    this(new CsvSource(csv), idColumn, columnMapping, testCsv == null ? null : new CsvSource(testCsv), testFraction,
        splitSeed);
  }

  /** A CSV file with no mapping, no test file, the default test fraction and split seed 0. */
  public static DataSourceConfig of(Path csv, String idColumn) {
    return of(new CsvSource(csv), idColumn);
  }

  /** A source with no mapping, no held-out source, the default test fraction and split seed 0. */
  public static DataSourceConfig of(DataSource source, String idColumn) {
    return new DataSourceConfig(source, idColumn, Map.of(), null, DEFAULT_TEST_FRACTION, 0L);
  }

  /** The CSV file read, or null when the source is a query. */
  public Path csv() {
    return source instanceof CsvSource c ? c.file() : null;
  }

  /** The held-out CSV file, or null when there is none or it is a query. */
  public Path testCsv() {
    return heldOut instanceof CsvSource c ? c.file() : null;
  }

  /** This source with another test fraction. */
  public DataSourceConfig withTestFraction(double fraction) {
    return new DataSourceConfig(source, idColumn, columnMapping, heldOut, fraction, splitSeed);
  }

  /** This source with another split seed. */
  public DataSourceConfig withSplitSeed(long seed) {
    return new DataSourceConfig(source, idColumn, columnMapping, heldOut, testFraction, seed);
  }

  /** This source with a held-out test file (null for a hashed split). */
  public DataSourceConfig withTestCsv(Path file) {
    return withHeldOut(file == null ? null : new CsvSource(file));
  }

  /** This source with a held-out source (null for a hashed split). */
  public DataSourceConfig withHeldOut(DataSource held) {
    return new DataSourceConfig(source, idColumn, columnMapping, held, testFraction, splitSeed);
  }

  /** This source with a column mapping (federation name to local column). */
  public DataSourceConfig withColumnMapping(Map<String, String> mapping) {
    return new DataSourceConfig(source, idColumn, mapping, heldOut, testFraction, splitSeed);
  }
}
