package dev.tandem.node.training;

import dev.tandem.model.JobSpec;
import java.util.Objects;

/**
 * One round of a job's local training on the site's selected records.
 *
 * <p>{@link #plain} trains as the job says; a decorator (the node's differential-privacy accounting,
 * {@code dev.tandem.node.privacy.DpTraining}) may charge for a round or refuse it. Implementations are
 * called from one worker thread at a time.
 */
public interface LocalTraining {

  /**
   * Trains the job's model from {@code global} on {@code data} for {@code round}.
   *
   * @throws IllegalArgumentException when the parameters or the data do not fit the job
   */
  RoundOutcome train(JobSpec job, int round, double[] global, EncodedData data);

  /** Training with {@code trainer}, charging nothing; the round's seed follows the job's seed. */
  static LocalTraining plain(LocalTrainer trainer) {
    Objects.requireNonNull(trainer, "trainer");
    return (job, round, global, data) -> new RoundOutcome.Trained(
        trainer.train(job, global, data, job.seed() * 1_000_003L + round), RoundOutcome.Spent.NONE);
  }
}
