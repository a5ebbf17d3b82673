package dev.tandem.model.yaml;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The line and source text of every key and scalar of a YAML document, by its dotted path
 * ({@code policy.purposes.churn}, {@code policy.purposes.churn.columns[2]}), and the strict readers
 * every configuration file (node, coordinator, job) shares: an unknown key is refused with its line
 * and the nearest known key ("did you mean"), a value of the wrong type or outside its range with its
 * line and the range. Errors are {@link IllegalArgumentException}s whose message starts with
 * "line N: " (when the path has a line) and names the key's full path. Immutable and thread-safe.
 */
public final class YamlLines {
  private final Map<String, Integer> lines;
  private final Map<String, Scalar> scalars;

  /** A scalar as written in the file, and the token YAML read it as (a boolean, a number, a string...). */
  public record Scalar(String text, JsonToken token) {
    /** Whether YAML read the written text as something other than a string: a boolean, number or null. */
    public boolean retyped() {
      return token != JsonToken.VALUE_STRING;
    }
  }

  private YamlLines(Map<String, Integer> lines, Map<String, Scalar> scalars) {
    this.lines = lines;
    this.scalars = scalars;
  }

  /** The lines of {@code yaml}; no lines at all when it does not parse (the tree reader reports that). */
  public static YamlLines of(String yaml) {
    Map<String, Integer> lines = new HashMap<>();
    Map<String, Scalar> scalars = new HashMap<>();
    try (JsonParser p = new YAMLFactory().createParser(yaml)) {
      for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        JsonStreamContext c = p.getParsingContext();
        JsonStreamContext holder = t.isStructStart() ? c.getParent() : c;
        if (t == JsonToken.FIELD_NAME) {
          lines.putIfAbsent(path(c), p.getTokenLocation().getLineNr());
        } else if (holder != null && holder.inArray() && !t.isStructEnd()) {
          lines.putIfAbsent(path(holder), p.getTokenLocation().getLineNr());
        }
        if (t.isScalarValue()) {
          scalars.putIfAbsent(path(c), new Scalar(p.getText(), t));
        }
      }
    } catch (IOException | RuntimeException e) {
      return new YamlLines(lines, scalars);
    }
    return new YamlLines(lines, scalars);
  }

  private static String path(JsonStreamContext c) {
    Deque<String> parts = new ArrayDeque<>();
    for (JsonStreamContext x = c; x != null && !x.inRoot(); x = x.getParent()) {
      if (x.inArray()) {
        parts.push("[" + Math.max(0, x.getCurrentIndex()) + "]");
      } else if (x.getCurrentName() != null) {
        parts.push("." + x.getCurrentName());
      }
    }
    String s = String.join("", parts);
    return s.startsWith(".") ? s.substring(1) : s;
  }

  /** "line N: " for {@code path} or its nearest parent with a line; empty when none has one. */
  public String at(String path) {
    for (String p = path; !p.isEmpty(); p = parent(p)) {
      Integer line = lines.get(p);
      if (line != null) {
        return "line " + line + ": ";
      }
    }
    return "";
  }

  /** The scalar at {@code path} as written in the file; empty when there is none. */
  public Optional<Scalar> scalar(String path) {
    return Optional.ofNullable(scalars.get(path));
  }

  private static String parent(String path) {
    int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
    return cut <= 0 ? "" : path.substring(0, cut);
  }

  /** {@code parent.key}, or {@code key} at the top level ({@code parent} empty). */
  public static String join(String parent, String key) {
    return parent.isEmpty() ? key : parent + "." + key;
  }

  /** An error at {@code path}: "line N: path reason". */
  public IllegalArgumentException error(String path, String reason) {
    return new IllegalArgumentException(at(path) + path + " " + reason);
  }

  /**
   * Refuses {@code node} (at {@code path}, "" for the top level) unless it is a mapping whose keys are all
   * in {@code known}; an unknown key is named with its line and, when one is close, the known key it
   * probably meant.
   */
  public void requireKnown(JsonNode node, String path, Set<String> known) {
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException(at(path) + (path.isEmpty() ? "the file" : path) + " must be a mapping of "
          + new TreeSet<>(known));
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!known.contains(key)) {
        throw unknownKey(join(path, key), known);
      }
    }
  }

  /** The error for the unknown key at {@code path}: its line, a "did you mean" when one is close, the known keys. */
  public IllegalArgumentException unknownKey(String path, Collection<String> known) {
    String key = path.substring(path.lastIndexOf('.') + 1);
    String hint = suggestion(key, known).map(s -> "did you mean '" + s + "'? ").orElse("");
    return new IllegalArgumentException(at(path) + "unknown key '" + path + "' (" + hint + "known: "
        + new TreeSet<>(known) + ")");
  }

  /**
   * The known key {@code key} is most probably a typo of: equal ignoring case, the initials of its words
   * ({@code differentialPrivacy} for {@code dp}), or within an edit distance of a third of its length (at
   * least 1, at most 3); empty when none is that close.
   */
  public static Optional<String> suggestion(String key, Collection<String> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    int limit = Math.min(3, Math.max(1, key.length() / 3));
    String initials = initials(key);
    for (String k : new TreeSet<>(known)) {
      if (k.equalsIgnoreCase(key) || (k.length() > 1 && k.equalsIgnoreCase(initials))) {
        return Optional.of(k);
      }
      int d = distance(key.toLowerCase(Locale.ROOT), k.toLowerCase(Locale.ROOT));
      if (d <= limit && d < bestDistance) {
        best = k;
        bestDistance = d;
      }
    }
    return Optional.ofNullable(best);
  }

  /** The first letter of each camelCase, snake_case or kebab-case word of {@code key}. */
  private static String initials(String key) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      boolean start = i == 0 || Character.isUpperCase(c) || key.charAt(i - 1) == '_' || key.charAt(i - 1) == '-';
      if (start && Character.isLetter(c)) {
        b.append(c);
      }
    }
    return b.toString();
  }

  /** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }

  /**
   * The whole number at {@code parent.key}, {@code fallback} when the key is absent or null.
   *
   * @throws IllegalArgumentException when it is not a whole number (text, a fraction, too many digits)
   *     or lies outside [min, max]
   */
  public long whole(JsonNode node, String parent, String key, long min, long max, long fallback) {
    JsonNode v = node == null ? null : node.get(key);
    if (v == null || v.isNull()) {
      return fallback;
    }
    String path = join(parent, key);
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw error(path, "must be a whole number in [" + min + ", " + max + "], got '" + written(path, v) + "'");
    }
    long x = v.longValue();
    if (x < min || x > max) {
      throw error(path, "must be in [" + min + ", " + max + "], got " + written(path, v));
    }
    return x;
  }

  /** {@link #whole} for an int setting. */
  public int integer(JsonNode node, String parent, String key, int min, int max, int fallback) {
    return (int) whole(node, parent, key, min, max, fallback);
  }

  /**
   * The finite number at {@code parent.key}, {@code fallback} when the key is absent or null.
   *
   * @param minExclusive whether {@code min} itself is refused (a setting that must be strictly positive)
   * @throws IllegalArgumentException when it is not a number or lies outside its range
   */
  public double decimal(JsonNode node, String parent, String key, double min, boolean minExclusive, double max,
      double fallback) {
    JsonNode v = node == null ? null : node.get(key);
    if (v == null || v.isNull()) {
      return fallback;
    }
    String path = join(parent, key);
    String range = (minExclusive ? "(" : "[") + plain(min) + ", " + plain(max) + "]";
    if (!v.isNumber() || !Double.isFinite(v.doubleValue())) {
      throw error(path, "must be a number in " + range + ", got '" + written(path, v) + "'");
    }
    double x = v.doubleValue();
    if (x < min || (minExclusive && x == min) || x > max) {
      throw error(path, "must be in " + range + ", got " + written(path, v));
    }
    return x;
  }

  /** The boolean at {@code parent.key}, {@code fallback} when absent or null; anything but true/false is refused. */
  public boolean bool(JsonNode node, String parent, String key, boolean fallback) {
    JsonNode v = node == null ? null : node.get(key);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (!v.isBoolean()) {
      String path = join(parent, key);
      throw error(path, "must be true or false, got '" + written(path, v) + "'");
    }
    return v.booleanValue();
  }

  /**
   * The text at {@code parent.key}, {@code fallback} when absent or null.
   *
   * @throws IllegalArgumentException when it is a mapping, a list or blank
   */
  public String text(JsonNode node, String parent, String key, String fallback) {
    JsonNode v = node == null ? null : node.get(key);
    if (v == null || v.isNull()) {
      return fallback;
    }
    String path = join(parent, key);
    if (!v.isValueNode() || v.asText().isBlank()) {
      throw error(path, "must be a non-blank text value, got " + (v.isValueNode() ? "''" : "a " + v.getNodeType()
          .name().toLowerCase(Locale.ROOT)));
    }
    return scalar(path).map(Scalar::text).orElse(v.asText());
  }

  /** {@link #text} for a key that must be present. */
  public String requiredText(JsonNode node, String parent, String key) {
    String s = text(node, parent, key, null);
    if (s == null) {
      throw new IllegalArgumentException(at(parent) + "missing key '" + join(parent, key) + "'");
    }
    return s;
  }

  private String written(String path, JsonNode v) {
    return scalar(path).map(Scalar::text).orElse(v.isValueNode() ? v.asText() : v.getNodeType().name()
        .toLowerCase(Locale.ROOT));
  }

  private static String plain(double d) {
    if (d == Double.MAX_VALUE) {
      return "inf";
    }
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
  }
}
