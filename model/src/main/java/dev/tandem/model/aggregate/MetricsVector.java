package dev.tandem.model.aggregate;

import dev.tandem.model.metrics.ScoreHistogram;
import java.util.Objects;

/**
 * Held-out metrics as one vector for secure aggregation:
 * {@code [samples, positives, correct, logLossSum / L, positive histogram (b bins), negative histogram (b bins)]}.
 *
 * <p>Under differential privacy each record's log loss is clipped to {@link #DP_LOSS_CLIP} = L and the
 * histogram has {@link #DP_BINS} bins: one record then moves the vector by at most
 * {@link #SENSITIVITY} in L2 (one each in samples, positives, correct, the scaled loss and one bin).
 * Without DP L is 1 and nothing is clipped. Stateless.
 */
public final class MetricsVector {
  /** Largest log loss one record contributes under DP. */
  public static final double DP_LOSS_CLIP = 10;
  /** Histogram bins under DP: fewer, fuller bins for the same noise per bin. */
  public static final int DP_BINS = 20;
  /** L2 distance one record can move the vector under DP: sqrt(5). */
  public static final double SENSITIVITY = Math.sqrt(5);

  private MetricsVector() {
  }

  /** The summed metrics: counts rounded (at least 0), the loss sum scaled back. */
  public record Metrics(long samples, long positives, long correct, double logLossSum, ScoreHistogram histogram) {
    public Metrics {
      Objects.requireNonNull(histogram, "histogram");
    }
  }

  /** The vector's length for {@code bins} bins. */
  public static int length(int bins) {
    return 4 + 2 * bins;
  }

  /** The vector of one site's metrics; {@code lossScale} is L (1 without DP). */
  public static double[] encode(long samples, long positives, long correct, double logLossSum, double lossScale,
      ScoreHistogram histogram) {
    int b = histogram.bins();
    double[] v = new double[length(b)];
    v[0] = samples;
    v[1] = positives;
    v[2] = correct;
    v[3] = logLossSum / lossScale;
    long[] pos = histogram.positives();
    long[] neg = histogram.negatives();
    for (int i = 0; i < b; i++) {
      v[4 + i] = pos[i];
      v[4 + b + i] = neg[i];
    }
    return v;
  }

  /**
   * The metrics of a summed vector of {@code bins} bins.
   *
   * @throws IllegalArgumentException when the length does not fit
   */
  public static Metrics decode(double[] sum, int bins, double lossScale) {
    if (sum.length != length(bins)) {
      throw new IllegalArgumentException("a metrics vector of " + bins + " bins has " + length(bins)
          + " values, got " + sum.length);
    }
    long[] pos = new long[bins];
    long[] neg = new long[bins];
    for (int i = 0; i < bins; i++) {
      pos[i] = Math.max(0, Math.round(sum[4 + i]));
      neg[i] = Math.max(0, Math.round(sum[4 + bins + i]));
    }
    return new Metrics(Math.max(0, Math.round(sum[0])), Math.max(0, Math.round(sum[1])),
        Math.max(0, Math.round(sum[2])), Math.max(0, sum[3] * lossScale), ScoreHistogram.of(pos, neg));
  }
}
