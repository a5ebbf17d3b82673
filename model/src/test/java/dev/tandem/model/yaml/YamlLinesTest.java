package dev.tandem.model.yaml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class YamlLinesTest {
  private static JsonNode tree(String yaml) throws Exception {
    return new ObjectMapper(new YAMLFactory()).readTree(yaml);
  }

  @Test
  void suggestion_typoOrCase_namesTheKnownKey() {
    Set<String> known = Set.of("minCohort", "purposes", "partners");
    assertEquals(Optional.of("minCohort"), YamlLines.suggestion("minCohrt", known));
    assertEquals(Optional.of("minCohort"), YamlLines.suggestion("mincohort", known));
    assertEquals(Optional.of("purposes"), YamlLines.suggestion("purpose", known));
    assertEquals(Optional.of("dp"), YamlLines.suggestion("differentialPrivacy", Set.of("dp", "secureAggregation")));
    assertEquals(Optional.empty(), YamlLines.suggestion("noise", Set.of("dp", "secureAggregation")));
  }

  @Test
  void requireKnown_nestedTypo_lineAndSuggestion() throws Exception {
    String yaml = "consent:\n  purposes: [churn]\n  minCohrt: 5000\n";
    YamlLines lines = YamlLines.of(yaml);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> lines.requireKnown(tree(yaml).get("consent"), "consent", Set.of("purposes", "partners", "minCohort")));
    assertEquals("line 3: unknown key 'consent.minCohrt' (did you mean 'minCohort'? known: [minCohort, partners,"
        + " purposes])", e.getMessage());
  }

  @Test
  void whole_tooManyDigitsOrOutOfRangeOrText_refusedAsWritten() throws Exception {
    String yaml = "rounds: 99999999999999999999\nepochs: 9999999999\nsteps: abc\nok: 12\n";
    YamlLines lines = YamlLines.of(yaml);
    JsonNode root = tree(yaml);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> lines.integer(root, "", "rounds", 1, 1000, 10));
    assertEquals("line 1: rounds must be a whole number in [1, 1000], got '99999999999999999999'", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> lines.integer(root, "", "epochs", 1, Integer.MAX_VALUE, 1));
    assertTrue(e.getMessage().startsWith("line 2: epochs must be in [1, 2147483647], got 9999999999"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> lines.integer(root, "", "steps", 1, 5, 1));
    assertTrue(e.getMessage().startsWith("line 3: steps must be a whole number"), e.getMessage());
    assertEquals(12, lines.integer(root, "", "ok", 1, 20, 1));
    assertEquals(7, lines.integer(root, "", "absent", 1, 20, 7));
  }

  @Test
  void decimal_textZeroOrNegative_refusedWhereImpossible() throws Exception {
    String yaml = "epsilon: abc\nlr: 0\nfraction: -0.5\n";
    YamlLines lines = YamlLines.of(yaml);
    JsonNode root = tree(yaml);
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> lines.decimal(root, "", "epsilon", 0, true, 100, 1)).getMessage()
        .startsWith("line 1: epsilon must be a number in (0, 100], got 'abc'"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> lines.decimal(root, "", "lr", 0, true, 100, 1)).getMessage().startsWith("line 2: lr must be in (0, 100]"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> lines.decimal(root, "", "fraction", 0, false, 1, 1)).getMessage().startsWith("line 3: fraction"));
  }

  @Test
  void scalar_keepsTheWrittenTextAndWhetherYamlRetypedIt() {
    YamlLines lines = YamlLines.of("c: [no, \"no\", 0123, 1.0]\n");
    assertEquals("no", lines.scalar("c[0]").orElseThrow().text());
    assertTrue(lines.scalar("c[0]").orElseThrow().retyped());
    assertEquals(false, lines.scalar("c[1]").orElseThrow().retyped());
    assertEquals("0123", lines.scalar("c[2]").orElseThrow().text());
    assertEquals("1.0", lines.scalar("c[3]").orElseThrow().text());
  }
}
