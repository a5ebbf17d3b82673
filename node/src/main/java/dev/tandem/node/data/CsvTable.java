package dev.tandem.node.data;

import dev.tandem.model.RowView;
import java.io.IOException;
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
   * Reads {@code file} as UTF-8.
   *
   * @throws UncheckedIOException when the file cannot be read
   * @throws CsvFormatException when the file is empty, a header name repeats, a record has a
   *     different number of fields than the header (the message gives the line), or a quote is misplaced
   */
  public static CsvTable read(Path file) {
    Objects.requireNonNull(file, "file");
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    return parse(text, file.getFileName() == null ? file.toString() : file.getFileName().toString());
  }

  /**
   * Parses CSV text; {@code source} names it in error messages.
   *
   * @throws CsvFormatException as {@link #read}
   */
  public static CsvTable parse(String text, String source) {
    Objects.requireNonNull(text, "text");
    Parser parser = new Parser(text, source);
    List<String[]> records = parser.records();
    if (records.isEmpty()) {
      throw new CsvFormatException(source, 1, "no header row");
    }
    String[] header = records.get(0);
    List<String> columns = List.of(header);
    if (columns.stream().distinct().count() != columns.size()) {
      throw new CsvFormatException(source, 1, "header repeats a column name");
    }
    long[] lines = new long[records.size() - 1];
    for (int i = 0; i < lines.length; i++) {
      lines[i] = parser.lines.get(i + 1);
    }
    return new CsvTable(columns, List.copyOf(records.subList(1, records.size())), lines);
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

  /** A single pass over the text, one record at a time. */
  private static final class Parser {
    private final String text;
    private final String source;
    private int pos;
    private long line = 1;
    private final List<Long> lines = new ArrayList<>();

    Parser(String text, String source) {
      this.text = text.startsWith("\uFEFF") ? text.substring(1) : text;
      this.source = source;
    }

    List<String[]> records() {
      List<String[]> out = new ArrayList<>();
      int width = -1;
      while (pos < text.length()) {
        long start = line;
        if (atLineEnd()) { // empty line
          skipLineEnd();
          continue;
        }
        List<String> fields = record();
        if (width < 0) {
          width = fields.size();
        } else if (fields.size() != width) {
          throw new CsvFormatException(source, start,
              "record has " + fields.size() + " fields but the header has " + width);
        }
        out.add(fields.toArray(String[]::new));
        lines.add(start);
      }
      return out;
    }

    private boolean atLineEnd() {
      char c = text.charAt(pos);
      return c == '\n' || (c == '\r' && pos + 1 < text.length() && text.charAt(pos + 1) == '\n')
          || (c == '\r' && pos + 1 == text.length());
    }

    private void skipLineEnd() {
      if (text.charAt(pos) == '\r') {
        pos++;
      }
      if (pos < text.length() && text.charAt(pos) == '\n') {
        pos++;
      }
      line++;
    }

    /** Reads fields up to and including the end of the record. */
    private List<String> record() {
      List<String> fields = new ArrayList<>();
      while (true) {
        fields.add(pos < text.length() && text.charAt(pos) == '"' ? quoted() : plain());
        if (pos >= text.length()) {
          return fields;
        }
        char c = text.charAt(pos);
        if (c == ',') {
          pos++;
          continue;
        }
        skipLineEnd();
        return fields;
      }
    }

    private String plain() {
      int start = pos;
      while (pos < text.length()) {
        char c = text.charAt(pos);
        if (c == ',' || c == '\n' || (c == '\r' && atLineEnd())) {
          break;
        }
        pos++;
      }
      return text.substring(start, pos);
    }

    private String quoted() {
      long startLine = line;
      pos++; // opening quote
      StringBuilder sb = new StringBuilder();
      while (true) {
        if (pos >= text.length()) {
          throw new CsvFormatException(source, startLine, "quoted field is never closed");
        }
        char c = text.charAt(pos++);
        if (c == '"') {
          if (pos < text.length() && text.charAt(pos) == '"') {
            sb.append('"');
            pos++;
            continue;
          }
          if (pos < text.length() && text.charAt(pos) != ',' && !atLineEnd()) {
            throw new CsvFormatException(source, line, "unexpected character after a closing quote");
          }
          return sb.toString();
        }
        if (c == '\n') {
          line++;
        }
        sb.append(c);
      }
    }
  }
}
