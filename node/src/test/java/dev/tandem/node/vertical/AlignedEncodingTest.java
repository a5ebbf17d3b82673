package dev.tandem.node.vertical;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tandem.model.FeatureSpec;
import dev.tandem.model.LabelSpec;
import dev.tandem.model.RowView;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each party standardizes its numeric features over its own aligned rows and one-hot encodes the rest. */
class AlignedEncodingTest {
  private static final List<FeatureSpec> FEATURES = List.of(FeatureSpec.numeric("x"),
      FeatureSpec.categorical("c", List.of("u", "v")), FeatureSpec.numeric("k"));

  private static RowView row(String x, String c, String k, String y) {
    Map<String, String> cells = new HashMap<>();
    cells.put("x", x);
    cells.put("c", c);
    cells.put("k", k);
    cells.put("y", y);
    return cells::get;
  }

  @Test
  void of_numericAndCategorical_standardizedOverTheRowsAndOneHot() {
    List<RowView> rows = List.of(row("1", "u", "5", "1"), row("2", "v", "5", "0"), row("3", "w", "5", "1"),
        row("", "v", "5", "0"));
    AlignedEncoding e = AlignedEncoding.of(rows, FEATURES, LabelSpec.positiveIf("y", "1"));

    assertArrayEquals(new double[] {2, 5}, e.normalization().mean(), 1e-12, "missing cells are skipped");
    assertArrayEquals(new double[] {1, 1}, e.normalization().scale(), 1e-12,
        "sample deviation of 1, 2, 3 is 1; a constant feature keeps scale 1");
    assertArrayEquals(new double[] {-1, 1, 0, 0}, e.x()[0], 1e-12);
    assertArrayEquals(new double[] {0, 0, 1, 0}, e.x()[1], 1e-12);
    assertArrayEquals(new double[] {1, 0, 0, 0}, e.x()[2], 1e-12, "an unknown category is all zeros");
    assertArrayEquals(new double[] {0, 0, 1, 0}, e.x()[3], 1e-12, "a missing number encodes as the mean");
    assertArrayEquals(new boolean[] {true, false, true, false}, e.labels());
  }

  @Test
  void standardization_spreadOut_scaleIsTheSampleStandardDeviation() {
    List<RowView> rows = List.of(row("10", "u", "0", "1"), row("20", "u", "4", "1"), row("30", "u", "8", "1"),
        row("40", "u", "12", "1"));
    AlignedEncoding e = AlignedEncoding.of(rows, FEATURES, null);
    assertArrayEquals(new double[] {25, 6}, e.normalization().mean(), 1e-12);
    assertArrayEquals(new double[] {Math.sqrt(500.0 / 3), Math.sqrt(80.0 / 3)}, e.normalization().scale(), 1e-12);
    double sum = 0;
    double squares = 0;
    for (double[] x : e.x()) {
      sum += x[0];
      squares += x[0] * x[0];
    }
    assertEquals(0, sum, 1e-12);
    assertEquals(3, squares, 1e-12, "n - 1 after standardizing by the sample deviation");
    assertNull(e.labels(), "a host has no labels");
  }

  @Test
  void of_guestRowWithoutLabel_refused() {
    List<RowView> rows = List.of(row("1", "u", "5", "1"), row("2", "u", "5", ""));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> AlignedEncoding.of(rows, FEATURES, LabelSpec.positiveIf("y", "1")));
    assertEquals("aligned row 1 has no readable label", e.getMessage());
  }
}
