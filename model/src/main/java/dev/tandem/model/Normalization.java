package dev.tandem.model;

import java.util.Arrays;
import java.util.Objects;

/**
 * The mean and scale that standardize each numeric feature, in {@link JobSpec#numericFeatures()} order.
 *
 * <p>Every scale is finite and positive. Arrays are copied in and out.
 *
 * @throws IllegalArgumentException from the constructor when the lengths differ or a value is out of range
 */
public record Normalization(double[] mean, double[] scale) {

  /** Below this standard deviation (relative to the mean's magnitude) a feature is treated as constant. */
  private static final double CONSTANT = 1e-12;

  public Normalization {
    Objects.requireNonNull(mean, "mean");
    Objects.requireNonNull(scale, "scale");
    if (mean.length != scale.length) {
      throw new IllegalArgumentException("mean has " + mean.length + " entries but scale has " + scale.length);
    }
    mean = mean.clone();
    scale = scale.clone();
    for (int i = 0; i < mean.length; i++) {
      if (!Double.isFinite(mean[i])) {
        throw new IllegalArgumentException("mean[" + i + "] must be finite, got " + mean[i]);
      }
      if (!(scale[i] > 0) || !Double.isFinite(scale[i])) {
        throw new IllegalArgumentException("scale[" + i + "] must be finite and > 0, got " + scale[i]);
      }
    }
  }

  /**
   * The normalization from pooled moments of each numeric feature: mean = sum/count (0 when count
   * is 0), scale = sample standard deviation (1 when count &lt; 2 or the deviation is 0).
   *
   * @throws IllegalArgumentException when the lengths differ or a count is negative
   */
  public static Normalization fromMoments(long[] counts, double[] sums, double[] sumSquares) {
    Objects.requireNonNull(counts, "counts");
    Objects.requireNonNull(sums, "sums");
    Objects.requireNonNull(sumSquares, "sumSquares");
    if (counts.length != sums.length || counts.length != sumSquares.length) {
      throw new IllegalArgumentException("moment arrays differ in length: " + counts.length + ", "
          + sums.length + ", " + sumSquares.length);
    }
    int k = counts.length;
    double[] mean = new double[k];
    double[] scale = new double[k];
    for (int i = 0; i < k; i++) {
      long n = counts[i];
      if (n < 0) {
        throw new IllegalArgumentException("counts[" + i + "] must be >= 0, got " + n);
      }
      mean[i] = n == 0 ? 0 : sums[i] / n;
      scale[i] = 1;
      if (n >= 2) {
        double variance = (sumSquares[i] - n * mean[i] * mean[i]) / (n - 1);
        double std = variance > 0 ? Math.sqrt(variance) : 0;
        if (std > CONSTANT * Math.max(1, Math.abs(mean[i])) && Double.isFinite(std)) {
          scale[i] = std;
        }
      }
    }
    return new Normalization(mean, scale);
  }

  /** Mean 0 and scale 1 for each of {@code numericFeatures} features. */
  public static Normalization identity(int numericFeatures) {
    if (numericFeatures < 0) {
      throw new IllegalArgumentException("numericFeatures must be >= 0, got " + numericFeatures);
    }
    double[] ones = new double[numericFeatures];
    Arrays.fill(ones, 1);
    return new Normalization(new double[numericFeatures], ones);
  }

  /** The number of numeric features. */
  public int size() {
    return mean.length;
  }

  @Override
  public double[] mean() {
    return mean.clone();
  }

  @Override
  public double[] scale() {
    return scale.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Normalization n && Arrays.equals(mean, n.mean) && Arrays.equals(scale, n.scale);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(mean) + Arrays.hashCode(scale);
  }

  @Override
  public String toString() {
    return "Normalization[mean=" + Arrays.toString(mean) + ", scale=" + Arrays.toString(scale) + "]";
  }
}
