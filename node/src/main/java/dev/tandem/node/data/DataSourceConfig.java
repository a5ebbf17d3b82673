package dev.tandem.node.data;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Where a node's records are and how to read them.
 *
 * <p>{@code columnMapping} maps a federation column name to the local CSV column; names it does not
 * mention are read from the column of the same name (null means no mapping). {@code testCsv} is an
 * optional held-out file with the same layout; without it, {@code testFraction} of the records
 * (default {@value #DEFAULT_TEST_FRACTION}) are held out by a hash of {@code splitSeed} and the record id.
 *
 * @throws IllegalArgumentException from the constructor when a value is out of range
 */
public record DataSourceConfig(Path csv, String idColumn, Map<String, String> columnMapping, Path testCsv,
                 double testFraction, long splitSeed) {

  /** The share of records held out for testing when no test file is given. */
  public static final double DEFAULT_TEST_FRACTION = 0.2;

  public DataSourceConfig {
    Objects.requireNonNull(csv, "csv");
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

  /** A source with no mapping, no test file, the default test fraction and split seed 0. */
  public static DataSourceConfig of(Path csv, String idColumn) {
    return new DataSourceConfig(csv, idColumn, Map.of(), null, DEFAULT_TEST_FRACTION, 0L);
  }

  /** This source with another test fraction. */
  public DataSourceConfig withTestFraction(double fraction) {
    return new DataSourceConfig(csv, idColumn, columnMapping, testCsv, fraction, splitSeed);
  }

  /** This source with another split seed. */
  public DataSourceConfig withSplitSeed(long seed) {
    return new DataSourceConfig(csv, idColumn, columnMapping, testCsv, testFraction, seed);
  }

  /** This source with a held-out test file (null for a hashed split). */
  public DataSourceConfig withTestCsv(Path file) {
    return new DataSourceConfig(csv, idColumn, columnMapping, file, testFraction, splitSeed);
  }

  /** This source with a column mapping (federation name to local column). */
  public DataSourceConfig withColumnMapping(Map<String, String> mapping) {
    return new DataSourceConfig(csv, idColumn, mapping, testCsv, testFraction, splitSeed);
  }
}
