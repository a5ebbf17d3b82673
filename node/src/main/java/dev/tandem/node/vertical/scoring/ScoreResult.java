package dev.tandem.node.vertical.scoring;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The outcome of a scoring request: a probability for every id that every party of the model could
 * score, and a reason for each of the others. Each id asked for is in exactly one of the lists, both
 * in the order asked.
 *
 * @param scored the ids scored
 * @param unscored the ids not scored
 * @throws IllegalArgumentException from the constructor if an id is in both lists or twice in one
 */
public record ScoreResult(List<Scored> scored, List<Unscored> unscored) {
  public ScoreResult {
    scored = List.copyOf(scored);
    unscored = List.copyOf(unscored);
    Set<String> seen = new HashSet<>();
    for (Scored s : scored) {
      if (!seen.add(s.id())) {
        throw new IllegalArgumentException("an id is scored twice");
      }
    }
    for (Unscored u : unscored) {
      if (!seen.add(u.id())) {
        throw new IllegalArgumentException("an id is listed twice");
      }
    }
  }

  /**
   * One subject's score.
   *
   * @param id the subject id, as asked
   * @param probability sigmoid of the sum of every party's partial score, in [0, 1]
   */
  public record Scored(String id, double probability) {
    public Scored {
      Objects.requireNonNull(id, "id");
      if (!(probability >= 0 && probability <= 1)) {
        throw new IllegalArgumentException("probability must be in [0, 1], got " + probability);
      }
    }
  }

  /**
   * A subject that could not be scored.
   *
   * @param id the subject id, as asked
   * @param reason which site could not score it, and why as far as that site tells
   */
  public record Unscored(String id, String reason) {
    public Unscored {
      Objects.requireNonNull(id, "id");
      if (reason == null || reason.isBlank()) {
        throw new IllegalArgumentException("an unscored id needs a reason");
      }
    }
  }
}
