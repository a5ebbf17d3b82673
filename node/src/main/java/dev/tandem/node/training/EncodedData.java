package dev.tandem.node.training;

import dev.tandem.model.FeatureEncoder;
import dev.tandem.model.LabelSpec;
import dev.tandem.model.RowView;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Encoded inputs and binary labels (1 positive, 0 negative), one row each. Arrays are copied in and out.
 *
 * @throws IllegalArgumentException from the constructor when the lengths differ, rows differ in
 *     width, an input is not finite or a label is not 0 or 1
 */
public record EncodedData(double[][] x, double[] y) {

  public EncodedData {
    Objects.requireNonNull(x, "x");
    Objects.requireNonNull(y, "y");
    if (x.length != y.length) {
      throw new IllegalArgumentException(x.length + " input rows but " + y.length + " labels");
    }
    double[][] copy = new double[x.length][];
    int width = x.length == 0 ? 0 : Objects.requireNonNull(x[0], "row 0").length;
    for (int i = 0; i < x.length; i++) {
      double[] row = Objects.requireNonNull(x[i], "row " + i);
      if (row.length == 0) {
        throw new IllegalArgumentException("row " + i + " is empty");
      }
      if (row.length != width) {
        throw new IllegalArgumentException("row " + i + " has " + row.length + " values, expected " + width);
      }
      for (int j = 0; j < width; j++) {
        if (!Double.isFinite(row[j])) {
          throw new IllegalArgumentException("row " + i + " column " + j + " is not finite");
        }
      }
      if (y[i] != 0 && y[i] != 1) {
        throw new IllegalArgumentException("label " + i + " must be 0 or 1, got " + y[i]);
      }
      copy[i] = row.clone();
    }
    x = copy;
    y = y.clone();
  }

  /** Encodes {@code rows}; rows whose label is missing or unreadable are dropped. */
  public static EncodedData of(List<RowView> rows, FeatureEncoder enc, LabelSpec label) {
    Objects.requireNonNull(rows, "rows");
    Objects.requireNonNull(enc, "enc");
    Objects.requireNonNull(label, "label");
    List<double[]> xs = new ArrayList<>(rows.size());
    double[] ys = new double[rows.size()];
    for (RowView row : rows) {
      Optional<Boolean> target = label.label(row.get(label.column()));
      if (target.isPresent()) {
        ys[xs.size()] = target.get() ? 1 : 0;
        xs.add(enc.encode(row));
      }
    }
    return new EncodedData(xs.toArray(double[][]::new), Arrays.copyOf(ys, xs.size()));
  }

  /** The number of rows. */
  public int size() {
    return y.length;
  }

  /** The width of a row; 0 when there are no rows. */
  public int dimension() {
    return x.length == 0 ? 0 : x[0].length;
  }

  /** The number of positive rows. */
  public int positives() {
    int n = 0;
    for (double v : y) {
      n += v == 1 ? 1 : 0;
    }
    return n;
  }

  @Override
  public double[][] x() {
    double[][] copy = new double[x.length][];
    for (int i = 0; i < x.length; i++) {
      copy[i] = x[i].clone();
    }
    return copy;
  }

  @Override
  public double[] y() {
    return y.clone();
  }

  /** The rows without copying, for this package's read-only use. */
  double[][] xRef() {
    return x;
  }

  /** The labels without copying, for this package's read-only use. */
  double[] yRef() {
    return y;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EncodedData e && Arrays.deepEquals(x, e.x) && Arrays.equals(y, e.y);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.deepHashCode(x) + Arrays.hashCode(y);
  }

  @Override
  public String toString() {
    return "EncodedData[rows=" + size() + ", dimension=" + dimension() + "]";
  }
}
