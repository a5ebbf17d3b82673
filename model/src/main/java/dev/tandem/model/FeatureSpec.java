package dev.tandem.model;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One input column of a job, as every site must encode it.
 *
 * <p>A numeric feature has no categories; a categorical feature lists its distinct values in the
 * order of its one-hot columns (values equal under {@link Cells#canonical} count as the same).
 *
 * @throws IllegalArgumentException from the constructor when the name is blank or the categories
 *     do not fit the kind
 */
public record FeatureSpec(String name, FeatureKind kind, List<String> categories) {

  public FeatureSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    if (name.isBlank()) {
      throw new IllegalArgumentException("feature name must not be blank");
    }
    categories = categories == null ? List.of() : List.copyOf(categories);
    if (kind == FeatureKind.NUMERIC && !categories.isEmpty()) {
      throw new IllegalArgumentException("numeric feature '" + name + "' must have no categories");
    }
    if (kind == FeatureKind.CATEGORICAL) {
      if (categories.isEmpty()) {
        throw new IllegalArgumentException("categorical feature '" + name + "' needs at least one category");
      }
      Set<String> seen = new HashSet<>();
      for (String c : categories) {
        String key = Cells.canonical(c);
        if (key == null) {
          throw new IllegalArgumentException("categorical feature '" + name + "' has a missing-value category '" + c + "'");
        }
        if (!seen.add(key)) {
          throw new IllegalArgumentException("categorical feature '" + name + "' repeats category '" + c + "'");
        }
      }
    }
  }

  /** A numeric feature. */
  public static FeatureSpec numeric(String name) {
    return new FeatureSpec(name, FeatureKind.NUMERIC, List.of());
  }

  /** A categorical feature with the given values, in one-hot column order. */
  public static FeatureSpec categorical(String name, List<String> categories) {
    return new FeatureSpec(name, FeatureKind.CATEGORICAL, categories);
  }

  /** The number of encoded input columns: 1 for numeric, one per category for categorical. */
  public int width() {
    return kind == FeatureKind.NUMERIC ? 1 : categories.size();
  }
}
