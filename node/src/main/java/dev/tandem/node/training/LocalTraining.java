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

  /**
   * As {@link #train(JobSpec, int, double[], EncodedData)} in a round whose result is securely summed with
   * others: a job of distributed DP then adds one of {@code noiseShares} shares of the noise (the round's
   * threshold t; 1 is the whole noise). The default is for trainings that add no noise of their own and
   * ignores {@code noiseShares}.
   *
   * @throws IllegalArgumentException when noiseShares &lt; 1, or as the four-argument form
   */
  default RoundOutcome train(JobSpec job, int round, double[] global, EncodedData data, int noiseShares) {
    if (noiseShares < 1) {
      throw new IllegalArgumentException("noiseShares must be >= 1, got " + noiseShares);
    }
    return train(job, round, global, data);
  }

  /** Training with {@code trainer}, charging nothing; the round's seed follows the job's seed. */
  static LocalTraining plain(LocalTrainer trainer) {
    Objects.requireNonNull(trainer, "trainer");
    return new LocalTraining() {
      @Override
      public RoundOutcome train(JobSpec job, int round, double[] global, EncodedData data) {
        return train(job, round, global, data, 1);
      }

      @Override
      public RoundOutcome train(JobSpec job, int round, double[] global, EncodedData data, int noiseShares) {
        return new RoundOutcome.Trained(trainer.train(job, global, data, job.seed() * 1_000_003L + round,
            noiseShares), RoundOutcome.Spent.NONE);
      }
    };
  }
}
