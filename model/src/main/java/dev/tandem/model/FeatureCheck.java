package dev.tandem.model;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Whether a site's records can be encoded for a job's features, checked before any training: what
 * {@link FeatureEncoder} would silently turn into zeros is a problem here. A numeric feature whose
 * present values do not parse as numbers, a categorical feature whose present values are none of its
 * categories (a category list YAML read as booleans: {@code [no, yes]} became {@code [false, true]}),
 * each above a share of the present values, and a feature with no value in any record.
 *
 * <p>The node declines a job with these problems and {@code tandem config check} reports them, with the
 * same code. Thread-safe (stateless).
 */
public final class FeatureCheck {
  /** The share of a feature's present values that may be unreadable before the job is refused: 1%. */
  public static final double DEFAULT_MAX_UNREADABLE_SHARE = 0.01;
  private static final int EXAMPLES = 3;
  private static final Set<String> BOOLEANS = Set.of("true", "false");

  private FeatureCheck() {}

  /** What is wrong with one feature. */
  public enum Kind {
    /** A numeric feature whose present values do not parse as numbers. */
    NOT_NUMERIC,
    /** A categorical feature whose present values are not among its categories. */
    UNKNOWN_CATEGORIES,
    /** A feature that no record has a value for. */
    NO_VALUES
  }

  /**
   * One feature's problem.
   *
   * @param bad the present values that cannot be encoded
   * @param present the values that are not missing ({@link Cells#isMissing})
   * @param examples up to three distinct bad values: record data, for the site's own operator only
   */
  public record Problem(FeatureSpec feature, Kind kind, long bad, long present, double maxShare,
      List<String> examples) {
    public Problem {
      Objects.requireNonNull(feature, "feature");
      Objects.requireNonNull(kind, "kind");
      examples = List.copyOf(examples);
    }

    /** The share of present values that cannot be encoded. */
    public double share() {
      return present == 0 ? 0 : (double) bad / present;
    }

    /**
     * The problem without any record value, count or share (only the threshold it passed), fit to leave
     * the site in a task refusal.
     */
    public String reason() {
      String name = "feature '" + feature.name() + "'";
      return switch (kind) {
        case NO_VALUES -> name + " has no value in any record: it would encode as zeros";
        case NOT_NUMERIC -> name + " is declared numeric but more than " + percent(maxShare) + " of its values"
            + " are not numbers: they would encode as the mean; declare it categorical with its values, or map"
            + " it to a numeric column";
        case UNKNOWN_CATEGORIES -> name + " has categories " + feature.categories() + " but more than "
            + percent(maxShare) + " of its values are none of them: they would encode as all zeros"
            + booleanHint();
      };
    }

    /** {@link #reason()} with the counts and example values, for the site's own operator. */
    public String detail() {
      if (kind == Kind.NO_VALUES) {
        return reason();
      }
      return reason() + " (" + percent(share()) + ": " + bad + " of " + present + " values; e.g. " + examples.stream()
          .map(e -> "'" + e + "'").toList() + ")";
    }

    private String booleanHint() {
      Set<String> declared = new HashSet<>();
      feature.categories().forEach(c -> declared.add(c.toLowerCase(Locale.ROOT)));
      return BOOLEANS.containsAll(declared) ? "; the categories look like unquoted YAML no/yes or off/on read as"
          + " booleans: quote them in the job file" : "";
    }
  }

  /**
   * The problems of {@code features} over {@code rows}, in feature order; empty when every feature can be
   * encoded. A feature the rows do not have at all reads as missing everywhere ({@link Kind#NO_VALUES}).
   *
   * @param maxShare the share of present values that may be unreadable, in [0, 1)
   */
  public static List<Problem> check(List<FeatureSpec> features, Iterable<? extends RowView> rows,
      double maxShare) {
    Objects.requireNonNull(features, "features");
    Objects.requireNonNull(rows, "rows");
    if (!(maxShare >= 0 && maxShare < 1)) {
      throw new IllegalArgumentException("maxShare must be in [0, 1), got " + maxShare);
    }
    int k = features.size();
    long[] present = new long[k];
    long[] bad = new long[k];
    List<Set<String>> examples = new ArrayList<>();
    List<Set<String>> categories = new ArrayList<>();
    for (FeatureSpec f : features) {
      examples.add(new LinkedHashSet<>());
      Set<String> c = new HashSet<>();
      f.categories().forEach(v -> c.add(Cells.canonical(v)));
      categories.add(c);
    }
    boolean any = false;
    for (RowView row : rows) {
      any = true;
      for (int i = 0; i < k; i++) {
        FeatureSpec f = features.get(i);
        String raw = row.get(f.name());
        if (Cells.isMissing(raw)) {
          continue;
        }
        present[i]++;
        boolean ok = f.kind() == FeatureKind.NUMERIC ? Cells.number(raw).isPresent()
            : categories.get(i).contains(Cells.canonical(raw));
        if (!ok) {
          bad[i]++;
          if (examples.get(i).size() < EXAMPLES) {
            examples.get(i).add(raw.strip());
          }
        }
      }
    }
    List<Problem> out = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      FeatureSpec f = features.get(i);
      Kind kind = f.kind() == FeatureKind.NUMERIC ? Kind.NOT_NUMERIC : Kind.UNKNOWN_CATEGORIES;
      if (any && present[i] == 0) {
        out.add(new Problem(f, Kind.NO_VALUES, 0, 0, maxShare, List.of()));
      } else if (present[i] > 0 && (double) bad[i] / present[i] > maxShare) {
        out.add(new Problem(f, kind, bad[i], present[i], maxShare, new ArrayList<>(examples.get(i))));
      }
    }
    return out;
  }

  private static String percent(double share) {
    double p = share * 100;
    return (p == Math.rint(p) ? Long.toString((long) p) : String.format(Locale.ROOT, "%.1f", p)) + "%";
  }
}
