package dev.tandem.node.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.node.training.Datasets;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvTableTest {

  @Test
  void parse_quotedFields_keepCommasQuotesAndLineBreaks() {
    String text = "id,name,note\r\n"
        + "1,\"Smith, Jo\",\"said \"\"hi\"\"\"\r\n"
        + "2,plain,\"two\r\nlines\"\r\n"
        + "3,,\"\"\r\n";
    CsvTable t = CsvTable.parse(text, "test.csv");
    assertEquals(List.of("id", "name", "note"), t.columns());
    assertEquals(3, t.size());
    assertEquals("Smith, Jo", t.value(0, "name"));
    assertEquals("said \"hi\"", t.value(0, "note"));
    assertEquals("two\r\nlines", t.value(1, "note"));
    assertEquals("", t.value(2, "name"));
    assertEquals("", t.value(2, "note"));
    assertEquals(2, t.line(0));
    assertEquals(5, t.line(2));
  }

  @Test
  void parse_byteOrderMarkEmptyLinesAndMissingFinalNewline_areHandled() {
    CsvTable t = CsvTable.parse("\uFEFFa,b\n\n1,2\n\n3,4", "t");
    assertEquals(List.of("a", "b"), t.columns());
    assertEquals(2, t.size());
    assertEquals("4", t.row(1).get("b"));
    assertEquals(5, t.line(1));
  }

  @Test
  void parse_trailingEmptyField_isKept() {
    CsvTable t = CsvTable.parse("a,b,c\n1,2,\n", "t");
    assertEquals("", t.value(0, "c"));
  }

  @Test
  void parse_raggedRow_failsWithItsLineNumber() {
    String text = "a,b,c\n1,2,3\n4,\"multi\nline\",6\n7,8\n";
    CsvFormatException e = assertThrows(CsvFormatException.class, () -> CsvTable.parse(text, "ragged.csv"));
    assertEquals(5, e.line());
    assertTrue(e.getMessage().contains("ragged.csv line 5"), e.getMessage());
    assertTrue(e.getMessage().contains("2 fields"), e.getMessage());
    CsvFormatException wide = assertThrows(CsvFormatException.class, () -> CsvTable.parse("a,b\n1,2,3\n", "w"));
    assertEquals(2, wide.line());
  }

  @Test
  void parse_misplacedQuotes_fail() {
    CsvFormatException open = assertThrows(CsvFormatException.class,
        () -> CsvTable.parse("a,b\n1,\"never closed\n2,3\n", "q"));
    assertEquals(2, open.line());
    CsvFormatException after = assertThrows(CsvFormatException.class, () -> CsvTable.parse("a,b\n\"x\"y,2\n", "q"));
    assertEquals(2, after.line());
  }

  @Test
  void parse_emptyOrDuplicateHeader_fails() {
    assertThrows(CsvFormatException.class, () -> CsvTable.parse("", "e"));
    assertThrows(CsvFormatException.class, () -> CsvTable.parse("a,b,a\n1,2,3\n", "d"));
  }

  @Test
  void row_unknownColumn_isNull() {
    CsvTable t = CsvTable.parse("a\n1\n", "t");
    assertNull(t.row(0).get("zzz"));
    assertNull(t.value(0, "zzz"));
    assertThrows(IndexOutOfBoundsException.class, () -> t.row(1));
  }

  @Test
  void read_missingFile_throwsUncheckedIo(@TempDir Path dir) {
    assertThrows(UncheckedIOException.class, () -> CsvTable.read(dir.resolve("absent.csv")));
  }

  @Test
  void read_fileWithCrlf_readsLikeLf(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("crlf.csv");
    Files.writeString(f, "x,y\r\n1,2\r\n3,4\r\n", StandardCharsets.UTF_8);
    CsvTable t = CsvTable.read(f);
    assertEquals(2, t.size());
    assertEquals("4", t.value(1, "y"));
  }

  @Test
  void read_churnFile_hasAllRowsAndItsBlankTotals() {
    CsvTable t = CsvTable.read(Datasets.churnCsv());
    assertEquals(21, t.columns().size());
    assertEquals(7043, t.size());
    int blanks = 0;
    for (int i = 0; i < t.size(); i++) {
      blanks += t.value(i, "TotalCharges").isBlank() ? 1 : 0;
    }
    assertEquals(11, blanks);
  }
}
