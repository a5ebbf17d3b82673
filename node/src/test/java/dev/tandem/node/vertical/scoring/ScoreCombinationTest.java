package dev.tandem.node.vertical.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** The requester's arithmetic over partial scores as the other parties' envelopes would bring them. */
class ScoreCombinationTest {
  static final List<String> OTHERS = List.of("operator", "insurer");

  static ScoreResult combine(List<String> ids, Map<String, String> local, Map<String, Double> own,
      Map<String, Map<String, OptionalDouble>> remote) {
    return ScoreCombination.combine(ids, "bank", "credit", local, own, OTHERS, remote);
  }

  @Test
  void combine_everyPartyScores_isSigmoidOfTheSum() {
    ScoreResult r = combine(List.of("c1", "c2"), Map.of(), Map.of("c1", 0.5, "c2", -3.0), Map.of(
        "operator", Map.of("c1", OptionalDouble.of(1.25), "c2", OptionalDouble.of(-0.5)),
        "insurer", Map.of("c1", OptionalDouble.of(-0.75), "c2", OptionalDouble.of(0.0))));
    assertEquals(2, r.scored().size());
    assertTrue(r.unscored().isEmpty());
    assertEquals("c1", r.scored().get(0).id());
    assertEquals(1 / (1 + Math.exp(-1.0)), r.scored().get(0).probability(), 1e-15);
    assertEquals(1 / (1 + Math.exp(3.5)), r.scored().get(1).probability(), 1e-15);
  }

  @Test
  void combine_aPartyCannotScore_isUnscoredNamingThatParty() {
    ScoreResult r = combine(List.of("c1"), Map.of(), Map.of("c1", 0.5), Map.of(
        "operator", Map.of("c1", OptionalDouble.empty()),
        "insurer", Map.of("c1", OptionalDouble.of(1.0))));
    assertTrue(r.scored().isEmpty());
    assertEquals("c1", r.unscored().get(0).id());
    assertEquals("site 'operator' has no record of it or no consent for purpose 'credit'",
        r.unscored().get(0).reason());
  }

  @Test
  void combine_aPartySilentOrMissing_isUnscoredWithEveryReason() {
    ScoreResult r = combine(List.of("c1"), Map.of(), Map.of("c1", 0.5), Map.of(
        "operator", Map.of("c1", OptionalDouble.empty())));
    assertEquals("site 'operator' has no record of it or no consent for purpose 'credit'; "
        + "site 'insurer' did not answer for it", r.unscored().get(0).reason());
  }

  @Test
  void combine_notScorableHere_keepsTheLocalReasonAndTheOrderAsked() {
    ScoreResult r = combine(List.of("c3", "c1", "c2"), Map.of("c3", "site 'bank' has no record of it"),
        Map.of("c1", 0.0, "c2", 0.0), Map.of(
            "operator", Map.of("c1", OptionalDouble.of(0.0), "c2", OptionalDouble.empty()),
            "insurer", Map.of("c1", OptionalDouble.of(0.0), "c2", OptionalDouble.of(0.0))));
    assertEquals(List.of("c1"), r.scored().stream().map(ScoreResult.Scored::id).toList());
    assertEquals(0.5, r.scored().get(0).probability());
    assertEquals(List.of("c3", "c2"), r.unscored().stream().map(ScoreResult.Unscored::id).toList());
    assertEquals("site 'bank' has no record of it", r.unscored().get(0).reason());
  }

  @Test
  void sigmoid_extremes_stayInTheUnitIntervalWithoutNaN() {
    assertEquals(1.0, ScoreCombination.sigmoid(1e6));
    assertEquals(0.0, ScoreCombination.sigmoid(-1e6));
    assertEquals(0.5, ScoreCombination.sigmoid(0));
    assertEquals(ScoreCombination.sigmoid(-800), 0.0);
    assertTrue(ScoreCombination.sigmoid(-30) > 0);
    assertEquals(1 - ScoreCombination.sigmoid(2.5), ScoreCombination.sigmoid(-2.5), 1e-15);
  }
}
