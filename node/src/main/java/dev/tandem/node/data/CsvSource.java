package dev.tandem.node.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * A CSV file (RFC 4180, UTF-8, a header row of distinct column names), streamed: the file is never
 * held as one string, only a fixed buffer and the record being read ({@link CsvReader}). Its
 * {@link DataVersion} is the SHA-256 of the file's bytes as they were read.
 */
public record CsvSource(Path file) implements DataSource {

  public CsvSource {
    Objects.requireNonNull(file, "file");
  }

  @Override
  public String name() {
    return file.toString();
  }

  @Override
  public String where(long at) {
    return file + " line " + at;
  }

  /**
   * Streams the file to {@code sink}.
   *
   * @throws UncheckedIOException when the file cannot be read or is not UTF-8
   * @throws CsvFormatException when the file is empty, a header name repeats, a record has a different
   *     number of fields than the header (the message gives the line), or a quote is misplaced
   */
  @Override
  public DataVersion read(RowSink sink) {
    Objects.requireNonNull(sink, "sink");
    MessageDigest sha = DataVersion.newSha256();
    try (InputStream raw = Files.newInputStream(file);
        DigestInputStream in = new DigestInputStream(raw, sha);
        // a decoder that reports malformed input, rather than replacing it
        Reader text = new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder())) {
      stream(text, fileName(file), sink);
      in.transferTo(OutputStream.nullOutputStream()); // the digest covers every byte, even after the reader stopped
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
    return DataVersion.of(sha.digest());
  }

  /** Streams CSV text to {@code sink}; {@code source} names it in errors. */
  static void stream(Reader text, String source, RowSink sink) {
    CsvReader csv = new CsvReader(text, source);
    String[] header = csv.next();
    if (header == null) {
      throw new CsvFormatException(source, 1, "no header row");
    }
    if (new HashSet<>(List.of(header)).size() != header.length) {
      throw new CsvFormatException(source, csv.line(), "header repeats a column name");
    }
    sink.columns(List.of(header));
    for (String[] r = csv.next(); r != null; r = csv.next()) {
      sink.row(r, csv.line());
    }
  }

  static String fileName(Path file) {
    return file.getFileName() == null ? file.toString() : file.getFileName().toString();
  }
}
