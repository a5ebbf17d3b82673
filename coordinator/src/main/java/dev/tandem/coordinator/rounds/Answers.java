package dev.tandem.coordinator.rounds;

/** What sites send back for each kind of task, once mapped from the wire. */
public final class Answers {
  private Answers() {}

  /** Moments of each numeric feature over a site's training split. */
  public record Stats(long records, long[] counts, double[] sums, double[] sumSquares) {
    public Stats {
      counts = counts.clone();
      sums = sums.clone();
      sumSquares = sumSquares.clone();
    }

    @Override
    public long[] counts() {
      return counts.clone();
    }

    @Override
    public double[] sums() {
      return sums.clone();
    }

    @Override
    public double[] sumSquares() {
      return sumSquares.clone();
    }
  }

  /** A site's locally trained parameters. */
  public record Update(double[] parameters, long samples, double trainLoss) {
    public Update {
      parameters = parameters.clone();
    }

    @Override
    public double[] parameters() {
      return parameters.clone();
    }
  }

  /** Aggregate metrics of a model on a site's held-out split. */
  public record Evaluation(long samples, long positives, double logLossSum, long correct, double localAuc,
      long[] positiveHistogram, long[] negativeHistogram) {
    public Evaluation {
      positiveHistogram = positiveHistogram.clone();
      negativeHistogram = negativeHistogram.clone();
    }

    @Override
    public long[] positiveHistogram() {
      return positiveHistogram.clone();
    }

    @Override
    public long[] negativeHistogram() {
      return negativeHistogram.clone();
    }
  }
}
