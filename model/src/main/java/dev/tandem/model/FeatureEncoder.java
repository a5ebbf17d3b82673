package dev.tandem.model;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * Turns a record into the model's input vector, identically at every site.
 *
 * <p>Columns follow the feature order: a numeric feature gives one column, {@code (x - mean) / scale},
 * with 0 (the mean) for a missing or unparseable cell; a categorical feature gives one column per
 * category, one-hot, all zeros for a missing or unknown value. Immutable and thread-safe.
 */
public final class FeatureEncoder {

  private final String[] names;
  private final boolean[] numeric;
  private final int[] offsets;
  private final double[] mean;
  private final double[] scale;
  private final int[] numericIndex;
  private final List<Map<String, Integer>> categoryIndex;
  private final int dimension;

  /**
   * An encoder for {@code features} standardized with {@code norm}.
   *
   * @throws IllegalArgumentException when features is empty, names repeat, or norm does not have
   *     one entry per numeric feature
   */
  public FeatureEncoder(List<FeatureSpec> features, Normalization norm) {
    Objects.requireNonNull(features, "features");
    Objects.requireNonNull(norm, "norm");
    if (features.isEmpty()) {
      throw new IllegalArgumentException("features must not be empty");
    }
    int k = features.size();
    names = new String[k];
    numeric = new boolean[k];
    offsets = new int[k];
    numericIndex = new int[k];
    Map<String, Integer>[] maps = newMaps(k);
    int column = 0;
    int numericCount = 0;
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < k; i++) {
      FeatureSpec f = Objects.requireNonNull(features.get(i), "feature " + i);
      if (!seen.add(f.name())) {
        throw new IllegalArgumentException("feature '" + f.name() + "' is declared twice");
      }
      names[i] = f.name();
      offsets[i] = column;
      numeric[i] = f.kind() == FeatureKind.NUMERIC;
      if (numeric[i]) {
        numericIndex[i] = numericCount++;
      } else {
        maps[i] = new HashMap<>();
        List<String> cats = f.categories();
        for (int c = 0; c < cats.size(); c++) {
          maps[i].put(Cells.canonical(cats.get(c)), c);
        }
      }
      column += f.width();
    }
    if (norm.size() != numericCount) {
      throw new IllegalArgumentException("normalization has " + norm.size() + " entries but there are "
          + numericCount + " numeric features");
    }
    dimension = column;
    mean = norm.mean();
    scale = norm.scale();
    categoryIndex = Arrays.asList(maps);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Integer>[] newMaps(int k) {
    return (Map<String, Integer>[]) new Map[k];
  }

  /** The width of the encoded vector. */
  public int dimension() {
    return dimension;
  }

  /** The encoded vector of {@code row}, a new array of {@link #dimension()} entries. */
  public double[] encode(RowView row) {
    double[] out = new double[dimension];
    encodeInto(row, out, 0);
    return out;
  }

  /** Writes the encoded vector of {@code row} into {@code out} from {@code offset} on. */
  public void encodeInto(RowView row, double[] out, int offset) {
    Objects.requireNonNull(row, "row");
    if (offset < 0 || out.length - offset < dimension) {
      throw new IllegalArgumentException("output has no room for " + dimension + " values at " + offset);
    }
    for (int i = 0; i < names.length; i++) {
      String raw = row.get(names[i]);
      int at = offset + offsets[i];
      if (numeric[i]) {
        OptionalDouble v = Cells.number(raw);
        int j = numericIndex[i];
        out[at] = v.isPresent() ? (v.getAsDouble() - mean[j]) / scale[j] : 0;
      } else {
        for (int c = 0, w = categoryIndex.get(i).size(); c < w; c++) {
          out[at + c] = 0;
        }
        String key = Cells.canonical(raw);
        Integer c = key == null ? null : categoryIndex.get(i).get(key);
        if (c != null) {
          out[at + c] = 1;
        }
      }
    }
  }
}
