package dev.tandem.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FeatureCheckTest {
  private static List<RowView> rows(String column, List<String> values) {
    List<RowView> out = new ArrayList<>();
    for (String v : values) {
      Map<String, String> m = new java.util.HashMap<>();
      m.put(column, v);
      out.add(m::get);
    }
    return out;
  }

  private static List<String> repeat(String v, int n) {
    return new ArrayList<>(java.util.Collections.nCopies(n, v));
  }

  @Test
  void check_booleanCategoriesOverYesNoValues_unknownWithAQuoteHint() {
    // categories: [no, yes] unquoted: YAML made them false and true
    FeatureSpec partner = FeatureSpec.categorical("Partner", List.of("false", "true"));
    List<String> values = repeat("No", 60);
    values.addAll(repeat("Yes", 40));
    List<FeatureCheck.Problem> p = FeatureCheck.check(List.of(partner), rows("Partner", values), 0.01);
    assertEquals(1, p.size());
    assertEquals(FeatureCheck.Kind.UNKNOWN_CATEGORIES, p.get(0).kind());
    assertEquals(1.0, p.get(0).share());
    assertTrue(p.get(0).reason().contains("look like unquoted YAML no/yes"), p.get(0).reason());
    assertFalse(p.get(0).reason().contains("'No'"), "no record value in the reason: " + p.get(0).reason());
    assertTrue(p.get(0).detail().contains("100 of 100 values") && p.get(0).detail().contains("'No'"),
        p.get(0).detail());
  }

  @Test
  void check_textColumnDeclaredNumeric_notNumericWithShareAndExamples() {
    List<String> values = repeat("gold", 30);
    values.addAll(repeat("12.5", 70));
    List<FeatureCheck.Problem> p = FeatureCheck.check(List.of(FeatureSpec.numeric("plan")), rows("plan", values),
        0.01);
    assertEquals(FeatureCheck.Kind.NOT_NUMERIC, p.get(0).kind());
    assertEquals(0.3, p.get(0).share(), 1e-12);
    assertTrue(p.get(0).detail().contains("30%: 30 of 100 values; e.g. ['gold']"), p.get(0).detail());
  }

  @Test
  void check_unknownsAtOrBelowTheThreshold_fineAboveRefused() {
    FeatureSpec contract = FeatureSpec.categorical("c", List.of("a", "b"));
    List<String> values = repeat("a", 99);
    values.add("z");
    assertTrue(FeatureCheck.check(List.of(contract), rows("c", values), 0.01).isEmpty(), "1 in 100 is 1%");
    values.add("z");
    assertEquals(1, FeatureCheck.check(List.of(contract), rows("c", values), 0.01).size());
  }

  @Test
  void check_missingValuesAndNumbersWrittenDifferently_fine() {
    List<String> values = new ArrayList<>(List.of("1", "2.0", "", "NA", "?"));
    FeatureSpec zone = FeatureSpec.categorical("z", List.of("1.0", "2"));
    assertTrue(FeatureCheck.check(List.of(zone, FeatureSpec.numeric("z")), rows("z", values), 0.01).isEmpty());
  }

  @Test
  void check_noValueInAnyRecord_refused() {
    List<FeatureCheck.Problem> p = FeatureCheck.check(List.of(FeatureSpec.numeric("x")),
        rows("x", List.of("", "NA")), 0.01);
    assertEquals(FeatureCheck.Kind.NO_VALUES, p.get(0).kind());
  }
}
