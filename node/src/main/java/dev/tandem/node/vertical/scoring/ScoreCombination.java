package dev.tandem.node.vertical.scoring;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Adds up the parties' partial scores into probabilities: an id is scored when this site and every
 * other party have a partial for it, and its probability is sigmoid of this site's partial plus the
 * unmasked sum of the others' ({@link ScoreMasking}); otherwise it is unscored with every site's
 * reason. Pure.
 */
final class ScoreCombination {
  private ScoreCombination() {}

  /**
   * Combines the partial scores of {@code ids}.
   *
   * @param ids the ids, each once, in the order of the result
   * @param local why this site does not score an id, for the ids it does not score itself
   * @param own this site's partial of each id it scores
   * @param others the other parties, in the order their reasons are given
   * @param remote per other party, what it answered: a masked partial, empty for "cannot score", no
   *     entry when it did not mention the id (a party missing altogether mentioned nothing)
   * @param maskSums per id sent to the other parties, the sum mod 2^64 of their masks
   */
  static ScoreResult combine(List<String> ids, String site, String purpose, Map<String, String> local,
      Map<String, Double> own, List<String> others, Map<String, Map<String, OptionalLong>> remote,
      Map<String, Long> maskSums) {
    List<ScoreResult.Scored> scored = new ArrayList<>();
    List<ScoreResult.Unscored> unscored = new ArrayList<>();
    for (String id : ids) {
      String localReason = local.get(id);
      if (localReason != null) {
        unscored.add(new ScoreResult.Unscored(id, localReason));
        continue;
      }
      Double mine = own.get(id);
      if (mine == null) {
        throw new IllegalArgumentException("an id has neither a partial score nor a reason at site '" + site + "'");
      }
      long masked = 0;
      List<String> reasons = new ArrayList<>();
      for (String party : others) {
        OptionalLong partial = remote.getOrDefault(party, Map.of()).get(id);
        if (partial == null) {
          reasons.add("site '" + party + "' did not answer for it");
        } else if (partial.isEmpty()) {
          reasons.add("site '" + party + "' has no record of it or no consent for purpose '" + purpose + "'");
        } else {
          masked += partial.getAsLong(); // mod 2^64
        }
      }
      if (reasons.isEmpty() && !others.isEmpty() && !maskSums.containsKey(id)) {
        reasons.add("the coordinator sent no mask sum for it");
      }
      if (reasons.isEmpty()) {
        long othersFixed = masked - maskSums.getOrDefault(id, 0L);
        scored.add(new ScoreResult.Scored(id, sigmoid(mine + ScoreMasking.decode(othersFixed))));
      } else {
        unscored.add(new ScoreResult.Unscored(id, String.join("; ", reasons)));
      }
    }
    return new ScoreResult(scored, unscored);
  }

  /** 1 / (1 + e^-z), computed without overflow for large |z|. */
  static double sigmoid(double z) {
    if (z >= 0) {
      return 1 / (1 + Math.exp(-z));
    }
    double e = Math.exp(z);
    return e / (1 + e);
  }
}
