package dev.tandem.node.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tandem.model.FeatureEncoder;
import dev.tandem.model.FeatureSpec;
import dev.tandem.model.JobSpec;
import dev.tandem.model.LabelSpec;
import dev.tandem.model.ModelSpec;
import dev.tandem.model.Normalization;
import dev.tandem.model.RowView;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EncodingTest {

  private static final List<FeatureSpec> FEATURES = List.of(FeatureSpec.numeric("a"),
      FeatureSpec.categorical("c", List.of("x", "y")), FeatureSpec.numeric("b"));

  private static RowView row(String a, String c, String b, String label) {
    Map<String, String> m = new java.util.HashMap<>();
    m.put("a", a);
    m.put("c", c);
    m.put("b", b);
    m.put("label", label);
    return m::get;
  }

  @Test
  void encodedDataOf_rowsWithMissingLabel_areDropped() {
    List<RowView> rows = List.of(row("1", "x", "2", "yes"), row("2", "y", "?", ""), row("3", "z", "4", "no"),
        row("4", "x", "5", "?"));
    EncodedData d = EncodedData.of(rows, new FeatureEncoder(FEATURES, Normalization.identity(2)),
        LabelSpec.positiveIf("label", "yes"));
    assertEquals(2, d.size());
    assertArrayEquals(new double[] {1, 0}, d.y());
    assertArrayEquals(new double[] {1, 1, 0, 2}, d.x()[0]);
    assertArrayEquals(new double[] {3, 0, 0, 4}, d.x()[1]);
    assertEquals(1, d.positives());
  }

  @Test
  void encodedData_badValues_areRejectedAndArraysCopied() {
    assertThrows(IllegalArgumentException.class, () -> new EncodedData(new double[][] {{1}}, new double[] {2}));
    assertThrows(IllegalArgumentException.class, () -> new EncodedData(new double[][] {{1}, {1, 2}}, new double[] {0, 1}));
    assertThrows(IllegalArgumentException.class, () -> new EncodedData(new double[][] {{Double.NaN}}, new double[] {0}));
    assertThrows(IllegalArgumentException.class, () -> new EncodedData(new double[][] {{1}}, new double[] {0, 1}));
    double[][] x = {{1, 2}};
    EncodedData d = new EncodedData(x, new double[] {1});
    x[0][0] = 9;
    d.x()[0][1] = 9;
    assertArrayEquals(new double[] {1, 2}, d.x()[0]);
  }

  @Test
  void featureMoments_missingCells_areSkippedAndMergeEqualsUnion() {
    JobSpec spec = new JobSpec("", "p", ModelSpec.logisticRegression(0), FEATURES, LabelSpec.positiveIf("label", "yes"),
        List.of("s"), 1, 1, 0.1, 1, 1, 0);
    List<RowView> first = List.of(row("1", "x", "NA", "yes"), row("3", "x", "10", "no"));
    List<RowView> second = List.of(row(" ", "y", "20", "no"), row("5", "y", "abc", "yes"));
    FeatureMoments a = FeatureMoments.of(first, spec);
    assertArrayEquals(new long[] {2, 1}, a.counts());
    assertArrayEquals(new double[] {4, 10}, a.sums());
    assertArrayEquals(new double[] {10, 100}, a.sumSquares());
    FeatureMoments union = FeatureMoments.of(List.of(first.get(0), first.get(1), second.get(0), second.get(1)), spec);
    assertEquals(union, a.merge(FeatureMoments.of(second, spec)));
    Normalization n = union.toNormalization();
    assertArrayEquals(new double[] {3, 15}, n.mean(), 1e-12);
    assertArrayEquals(new double[] {2, Math.sqrt(50)}, n.scale(), 1e-12);
  }
}
