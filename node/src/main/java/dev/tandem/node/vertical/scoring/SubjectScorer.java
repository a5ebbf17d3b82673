package dev.tandem.node.vertical.scoring;

import java.util.List;

/** Scores subjects with a vertical model this node holds a piece of. */
@FunctionalInterface
public interface SubjectScorer {
  /**
   * Scores {@code ids} (repeated ids count once) with model version {@code modelVersion}.
   *
   * @throws ScoringException when the request cannot be carried out at all; ids that merely cannot
   *     be scored are {@link ScoreResult#unscored()}
   */
  ScoreResult score(String modelVersion, List<String> ids) throws ScoringException;
}
