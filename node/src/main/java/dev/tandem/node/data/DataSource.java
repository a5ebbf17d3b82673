package dev.tandem.node.data;

/**
 * Where a node's records come from: a CSV file ({@link CsvSource}) or a SQL query ({@link SqlSource}).
 *
 * <p>{@link #read} streams one snapshot of the source, row by row, to a {@link RowSink} and returns its
 * {@link DataVersion}; nothing of the source is kept beyond what the sink keeps. The node reads its
 * source when a job starts (not once at start-up), so new data is used by the next job.
 */
public sealed interface DataSource permits CsvSource, SqlSource {

  /** Names the source in messages (the file, or the JDBC URL without its parameters); never a credential. */
  String name();

  /**
   * Streams every row of one snapshot to {@code sink}, in source order: first the column names, then
   * each row with its position ({@link #where} turns it into words).
   *
   * @return the SHA-256 digest of the snapshot read
   * @throws java.io.UncheckedIOException when a file cannot be read
   * @throws CsvFormatException when a CSV file is malformed
   * @throws DataSourceException when a query fails or its result cannot be read as text
   */
  DataVersion read(RowSink sink);

  /** Where row position {@code at} is, for an error message: {@code FILE line N} or {@code NAME row N}. */
  String where(long at);

  /** Receives one snapshot of a source. */
  interface RowSink {
    /** The column names, distinct, in source order; called once before any row. */
    void columns(java.util.List<String> columns);

    /**
     * One row: {@code cells} in column order (the array is the sink's to keep), {@code at} its position
     * (the file line where a CSV record starts, the 1-based row number of a query).
     */
    void row(String[] cells, long at);
  }
}
