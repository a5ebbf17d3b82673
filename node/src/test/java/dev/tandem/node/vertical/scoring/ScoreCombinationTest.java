package dev.tandem.node.vertical.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The requester's arithmetic over partial scores as the other parties' envelopes would bring them:
 * each masked with a fresh random mask, the coordinator's sum of the masks beside them.
 */
class ScoreCombinationTest {
  static final List<String> OTHERS = List.of("operator", "insurer");
  private static final Random RANDOM = new Random(7);

  /** Masks every partial in {@code remote} as the parties do and sums the masks as the coordinator does. */
  static ScoreResult combine(List<String> ids, Map<String, String> local, Map<String, Double> own,
      Map<String, Map<String, OptionalDouble>> remote) {
    Map<String, Long> maskSums = new HashMap<>();
    Map<String, Map<String, OptionalLong>> masked = new HashMap<>();
    for (String party : OTHERS) {
      Map<String, OptionalDouble> answered = remote.get(party);
      if (answered == null) {
        continue;
      }
      Map<String, OptionalLong> out = new HashMap<>();
      for (String id : ids) {
        long mask = RANDOM.nextLong();
        maskSums.merge(id, mask, Long::sum);
        OptionalDouble p = answered.get(id);
        if (p != null) {
          out.put(id, p.isEmpty() ? OptionalLong.empty() : OptionalLong.of(ScoreMasking.encode(p.getAsDouble()) + mask));
        }
      }
      masked.put(party, out);
    }
    return ScoreCombination.combine(ids, "bank", "credit", local, own, OTHERS, masked, maskSums);
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
  void combine_maskedPartials_onlyTheirSumComesOut() {
    // what the requester holds of one party is its partial plus a uniform mask: no information
    long fixed = ScoreMasking.encode(1.25);
    long mask = RANDOM.nextLong();
    long otherMask = RANDOM.nextLong();
    assertEquals(1.25 + 0.5, ScoreMasking.decode((fixed + mask) + (ScoreMasking.encode(0.5) + otherMask)
        - (mask + otherMask)), 1e-9);
    assertTrue(Math.abs(ScoreMasking.decode(fixed + mask)) > 1 || Math.abs(ScoreMasking.decode(fixed + mask) - 1.25) > 1,
        "a masked value says nothing of the partial");
    // fixed point: 2^-32 resolution, partials up to 2^24, sums of extremes without wrapping
    assertEquals(-3.5, ScoreMasking.decode(ScoreMasking.encode(-3.5)));
    double big = ScoreMasking.LIMIT - 1;
    assertEquals(2 * big, ScoreMasking.decode(ScoreMasking.encode(big) + ScoreMasking.encode(big)), 1e-6);
    assertThrows(IllegalArgumentException.class, () -> ScoreMasking.encode(ScoreMasking.LIMIT));
    assertThrows(IllegalArgumentException.class, () -> ScoreMasking.encode(Double.NaN));
  }

  @Test
  void combine_noMaskSumForAnId_isUnscored() {
    ScoreResult r = ScoreCombination.combine(List.of("c1"), "bank", "credit", Map.of(), Map.of("c1", 0.5),
        List.of("operator"), Map.of("operator", Map.of("c1", OptionalLong.of(42))), Map.of());
    assertTrue(r.scored().isEmpty());
    assertEquals("the coordinator sent no mask sum for it", r.unscored().get(0).reason());
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
