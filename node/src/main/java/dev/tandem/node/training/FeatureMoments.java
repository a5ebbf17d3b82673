package dev.tandem.node.training;

import dev.tandem.model.Cells;
import dev.tandem.model.DpSpec;
import dev.tandem.model.FeatureSpec;
import dev.tandem.model.JobSpec;
import dev.tandem.model.Normalization;
import dev.tandem.model.RowView;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * Per numeric feature (in {@link JobSpec#numericFeatures()} order): how many cells hold a number, their
 * sum and their sum of squares. Sites add these up so the federation standardizes with pooled moments.
 * Arrays are copied in and out.
 *
 * @throws IllegalArgumentException from the constructor when the lengths differ or a count is negative
 */
public record FeatureMoments(long[] counts, double[] sums, double[] sumSquares) {

  public FeatureMoments {
    Objects.requireNonNull(counts, "counts");
    Objects.requireNonNull(sums, "sums");
    Objects.requireNonNull(sumSquares, "sumSquares");
    if (counts.length != sums.length || counts.length != sumSquares.length) {
      throw new IllegalArgumentException("moment arrays differ in length: " + counts.length + ", "
          + sums.length + ", " + sumSquares.length);
    }
    for (int i = 0; i < counts.length; i++) {
      if (counts[i] < 0) {
        throw new IllegalArgumentException("counts[" + i + "] must be >= 0, got " + counts[i]);
      }
    }
    counts = counts.clone();
    sums = sums.clone();
    sumSquares = sumSquares.clone();
  }

  /** The moments of the numeric features of {@code spec} over {@code rows}; missing cells are skipped. */
  public static FeatureMoments of(List<RowView> rows, JobSpec spec) {
    return of(rows, spec.numericFeatures());
  }

  /** The moments of the {@code numeric} features over {@code rows}; missing cells are skipped. */
  public static FeatureMoments of(List<? extends RowView> rows, List<FeatureSpec> numeric) {
    return of(rows, numeric, new DpSpec.Range[numeric.size()], null);
  }

  /**
   * The moments of the {@code numeric} features over {@code rows}, each value first clipped to its
   * range ({@code ranges[i]}, null: not clipped) and divided by {@code scales[i]} (null: all 1); missing
   * cells are skipped.
   *
   * @throws IllegalArgumentException when the arrays do not have one entry per feature
   */
  public static FeatureMoments of(List<? extends RowView> rows, List<FeatureSpec> numeric, DpSpec.Range[] ranges,
      double[] scales) {
    Objects.requireNonNull(rows, "rows");
    int k = numeric.size();
    if (ranges.length != k || (scales != null && scales.length != k)) {
      throw new IllegalArgumentException("need one range and one scale per numeric feature (" + k + ")");
    }
    long[] counts = new long[k];
    double[] sums = new double[k];
    double[] squares = new double[k];
    for (RowView row : rows) {
      for (int i = 0; i < k; i++) {
        OptionalDouble v = Cells.number(row.get(numeric.get(i).name()));
        if (v.isPresent()) {
          double d = v.getAsDouble();
          if (ranges[i] != null) {
            d = ranges[i].clip(d);
          }
          if (scales != null) {
            d /= scales[i];
          }
          counts[i]++;
          sums[i] += d;
          squares[i] += d * d;
        }
      }
    }
    return new FeatureMoments(counts, sums, squares);
  }

  /**
   * The moments of both sets of rows.
   *
   * @throws IllegalArgumentException when the feature counts differ
   */
  public FeatureMoments merge(FeatureMoments other) {
    Objects.requireNonNull(other, "other");
    if (other.counts.length != counts.length) {
      throw new IllegalArgumentException("cannot merge moments of " + counts.length + " and "
          + other.counts.length + " features");
    }
    long[] c = new long[counts.length];
    double[] s = new double[counts.length];
    double[] q = new double[counts.length];
    for (int i = 0; i < c.length; i++) {
      c[i] = Math.addExact(counts[i], other.counts[i]);
      s[i] = sums[i] + other.sums[i];
      q[i] = sumSquares[i] + other.sumSquares[i];
    }
    return new FeatureMoments(c, s, q);
  }

  /** The standardization these moments imply, see {@link Normalization#fromMoments}. */
  public Normalization toNormalization() {
    return Normalization.fromMoments(counts, sums, sumSquares);
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

  @Override
  public boolean equals(Object o) {
    return o instanceof FeatureMoments m && Arrays.equals(counts, m.counts) && Arrays.equals(sums, m.sums)
        && Arrays.equals(sumSquares, m.sumSquares);
  }

  @Override
  public int hashCode() {
    return Objects.hash(Arrays.hashCode(counts), Arrays.hashCode(sums), Arrays.hashCode(sumSquares));
  }

  @Override
  public String toString() {
    return "FeatureMoments[counts=" + Arrays.toString(counts) + "]";
  }
}
