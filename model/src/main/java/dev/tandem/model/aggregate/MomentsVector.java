package dev.tandem.model.aggregate;

import dev.tandem.model.DpSpec;
import dev.tandem.model.FeatureSpec;
import dev.tandem.model.JobSpec;
import dev.tandem.model.Normalization;
import java.util.List;
import java.util.Objects;

/**
 * Feature moments as one vector for secure aggregation:
 * {@code [records, count_1, sum_1, sumSquares_1, ..., count_k, sum_k, sumSquares_k]} over the job's k
 * numeric features.
 *
 * <p>Under differential privacy each value is clipped to its feature's declared range and divided by
 * the range's magnitude M before it is summed (so it lies in [-1, 1] and its square in [0, 1]): one
 * record then moves the vector by at most {@link #sensitivity} in L2, and the coordinator multiplies
 * the sums back by M and M^2. Without DP the scale is 1 and nothing is clipped. Stateless.
 */
public final class MomentsVector {
  /**
   * Fixed-point precision of a moments vector in the secure aggregation ring: 2^-4 on sums of thousands
   * of values leaves the means and variances exact to far below any feature's spread.
   */
  public static final int FRACTIONAL_BITS = 4;

  private MomentsVector() {
  }

  /**
   * The largest value a moments vector of a round of {@code sites} sites may hold: as large as the ring
   * allows at {@link #FRACTIONAL_BITS} (2^56 for 3 sites), since sums of squares of raw amounts reach
   * 10^15 (default credit's limits).
   *
   * @throws IllegalArgumentException when sites &lt; 1
   */
  public static double clip(int sites) {
    if (sites < 1) {
      throw new IllegalArgumentException("sites must be >= 1, got " + sites);
    }
    int siteBits = 32 - Integer.numberOfLeadingZeros(sites);
    return Math.scalb(1.0, 62 - FRACTIONAL_BITS - siteBits);
  }

  /** The summed moments, decoded. */
  public record Moments(long records, long[] counts, double[] sums, double[] sumSquares) {
    public Moments {
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

  /** The vector's length for {@code k} numeric features. */
  public static int length(int k) {
    return 1 + 3 * k;
  }

  /** L2 distance one record can move the vector under DP: sqrt(1 + 3k). */
  public static double sensitivity(int k) {
    return Math.sqrt(1 + 3.0 * k);
  }

  /**
   * The divisor of each numeric feature's values: its declared range's magnitude under DP, else 1.
   *
   * @throws IllegalArgumentException under DP when a numeric feature has no declared range
   */
  public static double[] scales(JobSpec job) {
    List<FeatureSpec> numeric = job.numericFeatures();
    double[] out = new double[numeric.size()];
    DpSpec dp = job.privacy().dp();
    for (int i = 0; i < out.length; i++) {
      out[i] = dp == null ? 1 : range(job, numeric.get(i).name()).magnitude();
    }
    return out;
  }

  /**
   * The range a numeric feature's values are clipped to; null without DP.
   *
   * @throws IllegalArgumentException under DP when the feature has no declared range
   */
  public static DpSpec.Range range(JobSpec job, String feature) {
    DpSpec dp = job.privacy().dp();
    if (dp == null) {
      return null;
    }
    DpSpec.Range r = dp.featureRanges().get(feature);
    if (r == null) {
      throw new IllegalArgumentException("job " + job.jobId() + " asks for differential privacy but declares no"
          + " range for numeric feature '" + feature + "' (privacy.dp.featureRanges): without one a record's"
          + " influence on the feature's moments is unbounded");
    }
    return r;
  }

  /**
   * The normalization of the job's numeric features from a summed moments vector. Without DP it is
   * {@link Normalization#fromMoments} of the exact moments. Under DP the moments are noisy, so each
   * feature's mean is kept within its declared range and its standard deviation within
   * [range width / 20, range width / 2]: a noisy variance that comes out tiny or negative on a small
   * federation would otherwise blow the feature up, and both bounds are public.
   */
  public static Normalization normalization(double[] sum, JobSpec job) {
    double[] scales = scales(job);
    Moments m = decode(sum, scales);
    Normalization exact = Normalization.fromMoments(m.counts(), m.sums(), m.sumSquares());
    if (job.privacy().dp() == null) {
      return exact;
    }
    List<FeatureSpec> numeric = job.numericFeatures();
    double[] mean = new double[numeric.size()];
    double[] scale = new double[numeric.size()];
    for (int i = 0; i < mean.length; i++) {
      DpSpec.Range r = range(job, numeric.get(i).name());
      long n = m.counts()[i];
      double width = r.upper() - r.lower();
      mean[i] = r.clip(n == 0 ? (r.lower() + r.upper()) / 2 : m.sums()[i] / n);
      double variance = n < 2 ? 0 : (m.sumSquares()[i] - n * mean[i] * mean[i]) / (n - 1);
      double std = variance > 0 ? Math.sqrt(variance) : 0;
      scale[i] = Math.max(width / 20, Math.min(width / 2, std));
    }
    return new Normalization(mean, scale);
  }

  /** The vector of already clipped and scaled moments. */
  public static double[] encode(long records, long[] counts, double[] sums, double[] sumSquares) {
    int k = counts.length;
    if (sums.length != k || sumSquares.length != k) {
      throw new IllegalArgumentException("moment arrays differ in length");
    }
    double[] v = new double[length(k)];
    v[0] = records;
    for (int i = 0; i < k; i++) {
      v[1 + 3 * i] = counts[i];
      v[2 + 3 * i] = sums[i];
      v[3 + 3 * i] = sumSquares[i];
    }
    return v;
  }

  /**
   * The moments of a summed vector: counts rounded (at least 0), sums multiplied back by the scales.
   *
   * @throws IllegalArgumentException when the length does not fit the scales
   */
  public static Moments decode(double[] sum, double[] scales) {
    Objects.requireNonNull(sum, "sum");
    int k = scales.length;
    if (sum.length != length(k)) {
      throw new IllegalArgumentException("a moments vector of " + k + " features has " + length(k)
          + " values, got " + sum.length);
    }
    long[] counts = new long[k];
    double[] sums = new double[k];
    double[] squares = new double[k];
    for (int i = 0; i < k; i++) {
      counts[i] = Math.max(0, Math.round(sum[1 + 3 * i]));
      sums[i] = sum[2 + 3 * i] * scales[i];
      squares[i] = Math.max(0, sum[3 + 3 * i]) * scales[i] * scales[i];
    }
    return new Moments(Math.max(0, Math.round(sum[0])), counts, sums, squares);
  }
}
