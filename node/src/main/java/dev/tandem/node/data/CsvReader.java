package dev.tandem.node.data;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An incremental RFC 4180 reader: one record at a time from a {@link Reader}, holding only a fixed
 * buffer of characters and the record being read, never the whole text.
 *
 * <p>Fields may be quoted; a quoted field may hold commas, doubled quotes and line breaks; records end
 * with LF or CRLF (a lone CR inside a field is kept, one at the very end is a line end); a UTF-8 byte
 * order mark is ignored; empty lines are skipped. Every record must have as many fields as the first
 * (the header). Cells are kept verbatim. Errors name the source and the 1-based line, never a cell.
 */
final class CsvReader {
  private static final int BUFFER = 64 * 1024;

  private final Reader in;
  private final String source;
  private final char[] buf = new char[BUFFER];
  private final StringBuilder field = new StringBuilder();
  private int pos;
  private int limit;
  private boolean eof;
  private boolean started;
  private long line = 1;
  private long recordLine;
  private int width = -1;

  /** Reads {@code in}; {@code source} names it in error messages. */
  CsvReader(Reader in, String source) {
    this.in = Objects.requireNonNull(in, "in");
    this.source = Objects.requireNonNull(source, "source");
  }

  /**
   * The next record, or null after the last one.
   *
   * @throws CsvFormatException when a record's width differs from the first's or a quote is misplaced
   * @throws UncheckedIOException when the reader fails
   */
  String[] next() {
    if (!started) {
      started = true;
      if (peek(0) == '\uFEFF') {
        pos++;
      }
    }
    while (true) {
      if (peek(0) < 0) {
        return null;
      }
      if (atLineEnd()) {
        skipLineEnd();
        continue;
      }
      long start = line;
      String[] fields = record();
      if (width < 0) {
        width = fields.length;
      } else if (fields.length != width) {
        throw new CsvFormatException(source, start,
            "record has " + fields.length + " fields but the header has " + width);
      }
      recordLine = start;
      return fields;
    }
  }

  /** The 1-based line where the record last returned by {@link #next} starts. */
  long line() {
    return recordLine;
  }

  /** The character {@code ahead} positions on (0 or 1), or -1 past the end. */
  private int peek(int ahead) {
    if (pos + ahead >= limit) {
      fill(ahead + 1);
    }
    return pos + ahead < limit ? buf[pos + ahead] : -1;
  }

  private void fill(int need) {
    if (eof) {
      return;
    }
    if (pos > 0) {
      System.arraycopy(buf, pos, buf, 0, limit - pos);
      limit -= pos;
      pos = 0;
    }
    try {
      while (limit < need && !eof) {
        int n = in.read(buf, limit, buf.length - limit);
        if (n < 0) {
          eof = true;
        } else {
          limit += n;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + source + " at line " + line + ": " + e.getMessage(), e);
    }
  }

  private boolean atLineEnd() {
    int c = peek(0);
    if (c == '\n') {
      return true;
    }
    if (c != '\r') {
      return false;
    }
    int d = peek(1);
    return d == '\n' || d < 0;
  }

  private void skipLineEnd() {
    if (peek(0) == '\r') {
      pos++;
    }
    if (peek(0) == '\n') {
      pos++;
    }
    line++;
  }

  private String[] record() {
    List<String> fields = new ArrayList<>(width < 0 ? 16 : width);
    while (true) {
      fields.add(peek(0) == '"' ? quoted() : plain());
      int c = peek(0);
      if (c < 0) {
        return fields.toArray(String[]::new);
      }
      if (c == ',') {
        pos++;
        continue;
      }
      skipLineEnd();
      return fields.toArray(String[]::new);
    }
  }

  /** An unquoted field: up to a comma or a line end, scanned inside the buffer where it can be. */
  private String plain() {
    field.setLength(0);
    while (true) {
      if (pos >= limit) {
        fill(1);
        if (pos >= limit) {
          return field.toString();
        }
      }
      int start = pos;
      while (pos < limit) {
        char c = buf[pos];
        if (c == ',' || c == '\n' || c == '\r') {
          break;
        }
        pos++;
      }
      if (pos < limit) { // stopped at a special character
        char c = buf[pos];
        if (c == '\r') {
          field.append(buf, start, pos - start);
          if (atLineEnd()) {
            return field.toString();
          }
          field.append('\r'); // a lone CR inside a field
          pos++;
          continue;
        }
        if (field.length() == 0) {
          return new String(buf, start, pos - start);
        }
        field.append(buf, start, pos - start);
        return field.toString();
      }
      field.append(buf, start, pos - start);
    }
  }

  private String quoted() {
    long startLine = line;
    pos++; // opening quote
    field.setLength(0);
    while (true) {
      int c = peek(0);
      if (c < 0) {
        throw new CsvFormatException(source, startLine, "quoted field is never closed");
      }
      pos++;
      if (c == '"') {
        if (peek(0) == '"') {
          field.append('"');
          pos++;
          continue;
        }
        if (peek(0) >= 0 && peek(0) != ',' && !atLineEnd()) {
          throw new CsvFormatException(source, line, "unexpected character after a closing quote");
        }
        return field.toString();
      }
      if (c == '\n') {
        line++;
      }
      field.append((char) c);
    }
  }
}
