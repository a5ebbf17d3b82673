package dev.tandem.node.data;

import dev.tandem.model.RowView;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A CSV file held in memory: a header row of distinct column names, then records of the same width.
 *
 * <p>Follows RFC 4180: fields may be quoted, a quoted field may hold commas, doubled quotes and line
 * breaks; records end with LF or CRLF; a UTF-8 byte order mark is ignored; empty lines are skipped.
 * Cells are kept verbatim (no trimming). Immutable and thread-safe once read.
 */
public final class CsvTable {

  private final List<String> columns;
  private final Map<String, Integer> index;
  private final List<String[]> rows;
  private final long[] lines;

  private CsvTable(List<String> columns, List<String[]> rows, long[] lines) {
    this.columns = List.copyOf(columns);
    this.rows = rows;
    this.lines = lines;
    Map<String, Integer> idx = new HashMap<>();
    for (int i = 0; i < columns.size(); i++) {
      idx.put(columns.get(i), i);
    }
    this.index = Collections.unmodifiableMap(idx);
  }

  /**
   * Reads {@code file} as UTF-8, streaming it (the table then holds every cell as a string: for
   * small files; the node loads its data through {@link CsvSource} and {@link LocalData}).
   *
   * @throws UncheckedIOException when the file cannot be read
   * @throws CsvFormatException when the file is empty, a header name repeats, a record has a
   *     different number of fields than the header (the message gives the line), or a quote is misplaced
   */
  public static CsvTable read(Path file) {
    Objects.requireNonNull(file, "file");
    try (Reader in = new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8.newDecoder())) {
      return read(in, CsvSource.fileName(file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /**
   * Parses CSV text; {@code source} names it in error messages.
   *
   * @throws CsvFormatException as {@link #read}
   */
  public static CsvTable parse(String text, String source) {
    Objects.requireNonNull(text, "text");
    return read(new StringReader(text), source);
  }

  private static CsvTable read(Reader in, String source) {
    List<String[]> rows = new ArrayList<>();
    List<Long> lines = new ArrayList<>();
    List<List<String>> header = new ArrayList<>();
    CsvSource.stream(in, source, new DataSource.RowSink() {
      @Override
      public void columns(List<String> columns) {
        header.add(columns);
      }

      @Override
      public void row(String[] cells, long at) {
        rows.add(cells);
        lines.add(at);
      }
    });
    return new CsvTable(header.get(0), List.copyOf(rows), lines.stream().mapToLong(Long::longValue).toArray());
  }

  /** The column names in file order. */
  public List<String> columns() {
    return columns;
  }

  /** The number of records, header excluded. */
  public int size() {
    return rows.size();
  }

  /**
   * Record {@code i} (0-based, header excluded) as a view; {@code get} returns null for an unknown column.
   *
   * @throws IndexOutOfBoundsException when i is out of range
   */
  public RowView row(int i) {
    String[] r = rows.get(i);
    return column -> {
      Integer c = index.get(column);
      return c == null ? null : r[c];
    };
  }

  /**
   * The cell of record {@code row} in {@code column}; null when there is no such column.
   *
   * @throws IndexOutOfBoundsException when row is out of range
   */
  public String value(int row, String column) {
    return row(row).get(column);
  }

  /**
   * The 1-based line of the file where record {@code i} starts (the header is on line 1 or later).
   *
   * @throws IndexOutOfBoundsException when i is out of range
   */
  public long line(int i) {
    Objects.checkIndex(i, lines.length);
    return lines[i];
  }

  /** Whether the table has the column. */
  public boolean hasColumn(String column) {
    return index.containsKey(column);
  }
}
