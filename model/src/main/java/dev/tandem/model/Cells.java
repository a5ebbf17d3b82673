package dev.tandem.model;

import java.util.OptionalDouble;

/**
 * How a raw CSV cell is read, shared by every site so that all of them read a value the same way.
 *
 * <p>A cell is missing when it is {@code null}, blank, {@code "?"}, {@code "NA"} or {@code "N/A"}
 * (case-insensitive, surrounding whitespace ignored). Thread-safe.
 */
public final class Cells {

  private Cells() {
  }

  /** Whether the cell holds no value. */
  public static boolean isMissing(String raw) {
    if (raw == null) {
      return true;
    }
    String s = raw.strip();
    return s.isEmpty() || s.equals("?") || s.equalsIgnoreCase("NA") || s.equalsIgnoreCase("N/A");
  }

  /** The cell as a finite number; empty when missing, unparseable, NaN or infinite. */
  public static OptionalDouble number(String raw) {
    if (isMissing(raw)) {
      return OptionalDouble.empty();
    }
    String s = raw.strip();
    char first = s.charAt(0);
    // Double.parseDouble also accepts "NaN", "Infinity" and hex; only plain decimals are numbers here
    if (!(Character.isDigit(first) || first == '-' || first == '+' || first == '.')) {
      return OptionalDouble.empty();
    }
    char last = s.charAt(s.length() - 1);
    if (!(Character.isDigit(last) || last == '.')) {
      return OptionalDouble.empty();
    }
    try {
      double v = Double.parseDouble(s);
      return Double.isFinite(v) ? OptionalDouble.of(v) : OptionalDouble.empty();
    } catch (NumberFormatException e) {
      return OptionalDouble.empty();
    }
  }

  /**
   * The form under which two category values are equal: the number for cells that read as a
   * number (so {@code "4"} and {@code "4.0"} match), else the stripped text; {@code null} when missing.
   */
  public static String canonical(String raw) {
    if (isMissing(raw)) {
      return null;
    }
    OptionalDouble n = number(raw);
    if (n.isPresent()) {
      double v = n.getAsDouble();
      return v == 0.0 ? "0.0" : Double.toString(v); // folds -0.0 into 0.0
    }
    return raw.strip();
  }
}
