package dev.tandem.node.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvSourceTest {
  @TempDir Path dir;

  /** A reader that counts the characters it has handed out. */
  private static final class CountingReader extends Reader {
    private final Reader in;
    long handedOut;

    CountingReader(String text) {
      this.in = new StringReader(text);
    }

    @Override
    public int read(char[] cbuf, int off, int len) throws IOException {
      int n = in.read(cbuf, off, len);
      if (n > 0) {
        handedOut += n;
      }
      return n;
    }

    @Override
    public void close() {}
  }

  /** Collects what a source streams, and how much of the text had been read at the first row. */
  private static final class Collect implements DataSource.RowSink {
    final List<String> columns = new ArrayList<>();
    final List<String[]> rows = new ArrayList<>();
    final List<Long> lines = new ArrayList<>();

    @Override
    public void columns(List<String> names) {
      columns.addAll(names);
    }

    @Override
    public void row(String[] cells, long at) {
      rows.add(cells);
      lines.add(at);
    }
  }

  @Test
  void stream_readsTheTextIncrementally_notAsOneString() {
    StringBuilder text = new StringBuilder("id,note\n");
    for (int i = 0; i < 100_000; i++) {
      text.append(i).append(",\"row, ").append(i).append("\"\n");
    }
    CountingReader in = new CountingReader(text.toString());
    long[] atFirstRow = {-1};
    long[] maxAhead = {0};
    int[] rows = {0};
    CsvSource.stream(in, "big.csv", new DataSource.RowSink() {
      long consumed;

      @Override
      public void columns(List<String> names) {}

      @Override
      public void row(String[] cells, long at) {
        if (atFirstRow[0] < 0) {
          atFirstRow[0] = in.handedOut;
        }
        rows[0]++;
        consumed += cells[0].length() + cells[1].length() + 4; // this row: two quotes, a comma, a newline
        maxAhead[0] = Math.max(maxAhead[0], in.handedOut - consumed - 8);
      }
    });
    assertEquals(100_000, rows[0]);
    assertTrue(text.length() > 1_000_000, "the text is far larger than the reader's buffer");
    assertTrue(atFirstRow[0] <= 64 * 1024, "the first row arrived after " + atFirstRow[0] + " characters were read");
    assertTrue(maxAhead[0] <= 64 * 1024, "the reader never ran more than its buffer ahead: " + maxAhead[0]);
  }

  @Test
  void stream_quotedFieldsAcrossBufferRefills_keepCommasQuotesAndLineBreaks() {
    String longCell = "x".repeat(70_000); // longer than the buffer: a field read over several refills
    String text = "id,a,b\r\n"
        + "1,\"" + longCell + ", \"\"q\"\"\r\nnext\",plain" + longCell + "\r\n"
        + "2,\"\",\"\"\"\"\n"
        + "3,lone\rcr,end\r";
    Collect c = new Collect();
    CsvSource.stream(new StringReader(text), "q.csv", c);
    assertEquals(List.of("id", "a", "b"), c.columns);
    assertEquals(3, c.rows.size());
    assertEquals(longCell + ", \"q\"\r\nnext", c.rows.get(0)[1]);
    assertEquals("plain" + longCell, c.rows.get(0)[2]);
    assertEquals("", c.rows.get(1)[1]);
    assertEquals("\"", c.rows.get(1)[2]);
    assertEquals("lone\rcr", c.rows.get(2)[1], "a lone CR inside a field is kept");
    assertEquals("end", c.rows.get(2)[2], "a CR at the very end ends the record");
    assertEquals(List.of(2L, 4L, 5L), c.lines);
  }

  @Test
  void read_badRows_failWithFileAndLine() throws Exception {
    Path ragged = dir.resolve("ragged.csv");
    Files.writeString(ragged, "a,b\n1,2\n\n\"x\ny\",3\n4\n");
    CsvFormatException e = assertThrows(CsvFormatException.class, () -> new CsvSource(ragged).read(new Collect()));
    assertEquals(6, e.line());
    assertTrue(e.getMessage().startsWith("ragged.csv line 6: record has 1 fields but the header has 2"),
        e.getMessage());

    Path open = dir.resolve("open.csv");
    Files.writeString(open, "a,b\n1,2\n3,\"never closed\n");
    CsvFormatException never = assertThrows(CsvFormatException.class, () -> new CsvSource(open).read(new Collect()));
    assertEquals("open.csv line 3: quoted field is never closed", never.getMessage());

    Path blank = dir.resolve("blank.csv");
    Files.writeString(blank, "id,v\nA,1\n,2\n");
    IllegalArgumentException id = assertThrows(IllegalArgumentException.class,
        () -> LocalData.load(DataSourceConfig.of(blank, "id")));
    assertEquals(blank + " line 3: blank id", id.getMessage());

    Path notUtf8 = dir.resolve("latin1.csv");
    Files.write(notUtf8, "id,v\nA,caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
    assertThrows(UncheckedIOException.class, () -> new CsvSource(notUtf8).read(new Collect()));
  }

  @Test
  void read_versionIsTheSha256OfTheFile_stableUntilTheBytesChange() throws Exception {
    Path f = dir.resolve("v.csv");
    Files.writeString(f, "id,v\nA,1\nB,2\n");
    DataVersion v1 = new CsvSource(f).read(new Collect());
    assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f))),
        v1.sha256());
    assertEquals(v1, new CsvSource(f).read(new Collect()), "the same bytes, the same version");
    Files.writeString(f, "id,v\nA,1\nB,3\n");
    DataVersion v2 = new CsvSource(f).read(new Collect());
    assertNotEquals(v1, v2, "one changed cell, another version");
    Files.writeString(f, "id,v\r\nA,1\r\nB,3\r\n");
    assertNotEquals(v2, new CsvSource(f).read(new Collect()), "the version is of the bytes, line ends included");
  }

  @Test
  void load_versionOfTrainAndHeldOutFiles_combinesBoth() throws Exception {
    Path train = dir.resolve("train.csv");
    Path test = dir.resolve("test.csv");
    Files.writeString(train, "id,v\nA,1\n");
    Files.writeString(test, "id,v\nB,2\n");
    DataSourceConfig cfg = DataSourceConfig.of(train, "id").withTestCsv(test);
    DataVersion both = LocalData.load(cfg).version();
    assertNotEquals(LocalData.load(DataSourceConfig.of(train, "id")).version(), both);
    Files.writeString(test, "id,v\nB,3\n");
    assertNotEquals(both, LocalData.load(cfg).version(), "a change in the held-out file changes the version");
  }

  @Test
  void load_packedRows_readEveryCellBack() throws Exception {
    Path f = dir.resolve("u.csv");
    String wide = "w".repeat(300); // a length that takes two varint bytes
    Files.writeString(f, "id,name,n,empty\nA,Zo\u00eb \u4e2d,1.5,\nB," + wide + ",-2,\n");
    LocalData d = LocalData.load(DataSourceConfig.of(f, "id").withTestFraction(0));
    assertEquals("Zo\u00eb \u4e2d", d.train().get(0).get("name"));
    assertEquals("1.5", d.train().get(0).get("n"));
    assertEquals("", d.train().get(0).get("empty"));
    assertEquals(wide, d.train().get(1).get("name"));
    assertEquals("-2", d.train().get(1).get("n"));
    assertEquals(null, d.train().get(1).get("id"));
    assertFalse(d.hasColumn("id"));
  }
}
