/**
 * Scoring subjects with a vertical model over the federation (docs/VERTICAL_PROTOCOL.md, "Scoring").
 *
 * <p>{@link dev.tandem.node.vertical.scoring.VerticalScorer} is the requester: it asks the
 * coordinator's {@code Federation.ScoreSubjects} for the other parties' masked partial scores,
 * sealed to a fresh key of its own, removes the coordinator's sum of their masks, adds its own
 * partial and reports the probability. {@link dev.tandem.node.vertical.scoring.ScoreResponder} is
 * the other parties' side: it answers a {@code VERTICAL_SCORE} task with the masked partial scores
 * of the subjects it holds with consent for the model's purpose ({@link
 * dev.tandem.node.vertical.scoring.ScoreMasking}), and its masks for the coordinator. Both audit the scoring as a use of their records ({@code SUBJECTS_SCORED}, with
 * the subject set, so that subject-access reports list it) and then have the coordinator
 * countersign their audit head.
 */
package dev.tandem.node.vertical.scoring;
