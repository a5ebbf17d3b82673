package dev.tandem.coordinator.rounds;

import java.util.List;

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

  /** What a site spent of its privacy budget on a job so far: epsilon 0 when it trains without DP. */
  public record Privacy(double epsilon, double delta) {
    public static final Privacy NONE = new Privacy(0, 0);

    public Privacy {
      if (!(epsilon >= 0) || !(delta >= 0 && delta < 1)) {
        throw new IllegalArgumentException("privacy spent must be epsilon >= 0 and delta in [0, 1), got ("
            + epsilon + ", " + delta + ")");
      }
    }
  }

  /** One stage's message of a secure aggregation round, still opaque bytes. */
  public record SecAgg(List<byte[]> payload, Privacy privacy) {
    public SecAgg {
      payload = payload.stream().map(byte[]::clone).toList();
    }

    @Override
    public List<byte[]> payload() {
      return payload.stream().map(byte[]::clone).toList();
    }
  }

  /** A site's locally trained parameters. */
  public record Update(double[] parameters, long samples, double trainLoss, Privacy privacy) {
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
