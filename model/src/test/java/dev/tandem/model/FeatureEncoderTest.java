package dev.tandem.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FeatureEncoderTest {

  private static final List<FeatureSpec> FEATURES = List.of(
      FeatureSpec.numeric("age"),
      FeatureSpec.categorical("contract", List.of("Month-to-month", "One year", "Two year")),
      FeatureSpec.numeric("charges"),
      FeatureSpec.categorical("cp", List.of("1", "2", "3", "4")));

  private static final Normalization NORM = new Normalization(new double[] {40, 100}, new double[] {10, 50});

  private static RowView row(Map<String, String> cells) {
    return cells::get;
  }

  @Test
  void dimension_numericAndCategorical_countsOneColumnPerNumericAndPerCategory() {
    assertEquals(1 + 3 + 1 + 4, new FeatureEncoder(FEATURES, NORM).dimension());
  }

  @Test
  void encode_completeRow_standardizesNumericsAndOneHotsCategoriesInSpecOrder() {
    double[] x = new FeatureEncoder(FEATURES, NORM).encode(
        row(Map.of("age", "55", "contract", "Two year", "charges", "75.5", "cp", "2")));
    assertArrayEquals(new double[] {1.5, 0, 0, 1, -0.49, 0, 1, 0, 0}, x, 1e-12);
  }

  @Test
  void encode_missingNumericCells_giveZeroWhichIsTheMean() {
    FeatureEncoder enc = new FeatureEncoder(FEATURES, NORM);
    for (String missing : new String[] {"", "  ", "?", "NA", "n/a", "abc", "NaN", "Infinity", "1.2.3"}) {
      double[] x = enc.encode(row(Map.of("age", missing, "contract", "One year", "charges", "150", "cp", "4")));
      assertEquals(0.0, x[0], "cell '" + missing + "'");
      assertEquals(1.0, x[4], 1e-12);
    }
    double[] absent = enc.encode(row(Map.of("contract", "One year")));
    assertEquals(0.0, absent[0]);
    assertEquals(0.0, absent[4]);
  }

  @Test
  void encode_questionMarkCategory_givesAllZeros() {
    double[] x = new FeatureEncoder(FEATURES, NORM).encode(
        row(Map.of("age", "40", "contract", "?", "charges", "100", "cp", "?")));
    assertArrayEquals(new double[9], x, 0.0);
  }

  @Test
  void encode_unknownCategory_givesAllZerosForThatFeatureOnly() {
    double[] x = new FeatureEncoder(FEATURES, NORM).encode(
        row(Map.of("age", "40", "contract", "Three year", "charges", "100", "cp", "3")));
    assertArrayEquals(new double[] {0, 0, 0, 0, 0, 0, 0, 1, 0}, x, 0.0);
  }

  @Test
  void encode_numericLookingCategoryWrittenDifferently_matchesTheDeclaredValue() {
    double[] x = new FeatureEncoder(FEATURES, NORM).encode(
        row(Map.of("age", "40", "contract", " One year ", "charges", "100", "cp", "4.0")));
    assertArrayEquals(new double[] {0, 0, 1, 0, 0, 0, 0, 0, 1}, x, 0.0);
  }

  @Test
  void encode_identityNormalization_keepsRawNumbers() {
    FeatureEncoder enc = new FeatureEncoder(List.of(FeatureSpec.numeric("a"), FeatureSpec.numeric("b")),
        Normalization.identity(2));
    assertArrayEquals(new double[] {-3.25, 1e3}, enc.encode(row(Map.of("a", "-3.25", "b", "1e3"))), 0.0);
  }

  @Test
  void constructor_normalizationOfWrongWidth_isRejected() {
    assertThrows(IllegalArgumentException.class, () -> new FeatureEncoder(FEATURES, Normalization.identity(3)));
  }

  @Test
  void fromMoments_knownData_givesMeanAndSampleStandardDeviation() {
    // values 2, 4, 4, 4, 5, 5, 7, 9: mean 5, sample variance 32/7
    double[] v = {2, 4, 4, 4, 5, 5, 7, 9};
    double sum = 0;
    double sq = 0;
    for (double d : v) {
      sum += d;
      sq += d * d;
    }
    Normalization n = Normalization.fromMoments(new long[] {8, 1, 0, 3}, new double[] {sum, 7, 0, 6},
        new double[] {sq, 49, 0, 12});
    assertArrayEquals(new double[] {5, 7, 0, 2}, n.mean(), 1e-12);
    assertArrayEquals(new double[] {Math.sqrt(32.0 / 7), 1, 1, 1}, n.scale(), 1e-12);
  }

  @Test
  void normalization_nonPositiveScale_isRejected() {
    assertThrows(IllegalArgumentException.class, () -> new Normalization(new double[] {0}, new double[] {0}));
  }

  @Test
  void normalization_arrays_areCopiedInAndOut() {
    double[] mean = {1};
    Normalization n = new Normalization(mean, new double[] {2});
    mean[0] = 5;
    n.mean()[0] = 6;
    assertEquals(1.0, n.mean()[0]);
  }
}
