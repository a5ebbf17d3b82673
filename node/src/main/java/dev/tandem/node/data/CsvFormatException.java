package dev.tandem.node.data;

/** A CSV file that does not follow RFC 4180; the message names the file line, never a cell's content. */
public final class CsvFormatException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final long line;

  CsvFormatException(String source, long line, String problem) {
    super(source + " line " + line + ": " + problem);
    this.line = line;
  }

  /** The 1-based physical line of the file where the problem starts. */
  public long line() {
    return line;
  }
}
