package dev.tandem.model;

import java.util.Arrays;
import java.util.Collections;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * How a site turns its label column into a binary target.
 *
 * <p>Exactly one rule is set: {@code positiveValues} (non-empty; a cell is positive when it equals
 * one of them under {@link Cells#canonical}) or {@code positiveAbove} (a cell is positive when its
 * number is strictly greater). {@code positiveValues} is empty when {@code positiveAbove} is used.
 *
 * @throws IllegalArgumentException from the constructor when neither or both rules are set
 */
public record LabelSpec(String column, Set<String> positiveValues, Double positiveAbove) {

  public LabelSpec {
    Objects.requireNonNull(column, "column");
    if (column.isBlank()) {
      throw new IllegalArgumentException("label column must not be blank");
    }
    SortedSet<String> values = new TreeSet<>();
    if (positiveValues != null) {
      for (String v : positiveValues) {
        if (Cells.isMissing(v)) {
          throw new IllegalArgumentException("positive value '" + v + "' of label '" + column + "' reads as missing");
        }
        values.add(v);
      }
    }
    positiveValues = Collections.unmodifiableSortedSet(values);
    if (values.isEmpty() == (positiveAbove == null)) {
      throw new IllegalArgumentException(
          "label '" + column + "' needs exactly one of positiveValues or positiveAbove");
    }
    if (positiveAbove != null && !Double.isFinite(positiveAbove)) {
      throw new IllegalArgumentException("positiveAbove must be finite, got " + positiveAbove);
    }
  }

  /** Positive when the cell equals one of {@code values}. */
  public static LabelSpec positiveIf(String column, String... values) {
    return new LabelSpec(column, new TreeSet<>(Arrays.asList(values)), null);
  }

  /** Positive when the cell's number is strictly greater than {@code threshold}. */
  public static LabelSpec positiveAbove(String column, double threshold) {
    return new LabelSpec(column, Set.of(), threshold);
  }

  /** The label of one cell; empty when the cell is missing or, for a threshold rule, not a number. */
  public Optional<Boolean> label(String raw) {
    if (Cells.isMissing(raw)) {
      return Optional.empty();
    }
    if (positiveAbove != null) {
      OptionalDouble v = Cells.number(raw);
      return v.isPresent() ? Optional.of(v.getAsDouble() > positiveAbove) : Optional.empty();
    }
    String key = Cells.canonical(raw);
    for (String v : positiveValues) {
      if (key.equals(Cells.canonical(v))) {
        return Optional.of(true);
      }
    }
    return Optional.of(false);
  }
}
