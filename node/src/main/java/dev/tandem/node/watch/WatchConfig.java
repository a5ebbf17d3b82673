package dev.tandem.node.watch;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.model.yaml.YamlLines;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code watch:} section of a node's YAML: the counting window, the baseline and the thresholds
 * of the leak rules (docs/LEAK_DETECTION.md).
 *
 * <pre>
 * watch:
 *   enabled: true              # default true
 *   windowSeconds: 3600        # counters are kept per window of this length
 *   baselineWindows: 24        # a partner's baseline: its mean over this many earlier windows with activity
 *   factor: 5.0                # "far above the baseline": more than factor x baseline (and the floor below)
 *   minScoringVolume: 20000    # ids scored per window under which no volume alert is raised
 *   minDistinctSubjects: 10000 # distinct subjects per window under which no alert is raised
 *   maxOutsideIds: 1000        # ids asked per window that this node does not hold with consent
 *   maxRefusals: 20            # refused requests per window
 *   maxExports: 10             # audit and subject exports per window (and factor x baseline)
 *   hours: "06:00-22:00"       # optional: any access outside these hours raises an alert
 *   zone: UTC                  # the zone of hours
 *   block: true                # an alert refuses the partner's requests until an operator clears it
 * </pre>
 */
public record WatchConfig(boolean enabled, Duration window, int baselineWindows, double factor,
    long minScoringVolume, long minDistinctSubjects, long maxOutsideIds, long maxRefusals, long maxExports,
    LocalTime hoursFrom, LocalTime hoursTo, ZoneId zone, boolean block) {

  static final Set<String> KEYS = Set.of("enabled", "windowSeconds", "baselineWindows", "factor",
      "minScoringVolume", "minDistinctSubjects", "maxOutsideIds", "maxRefusals", "maxExports", "hours", "zone",
      "block");

  public WatchConfig {
    Objects.requireNonNull(window, "window");
    Objects.requireNonNull(zone, "zone");
    if (window.isNegative() || window.toSeconds() < 1) {
      throw new IllegalArgumentException("watch.windowSeconds must be at least 1, got " + window.toSeconds());
    }
    if (baselineWindows < 1 || baselineWindows > 10_000) {
      throw new IllegalArgumentException("watch.baselineWindows must be 1 to 10000, got " + baselineWindows);
    }
    if (!(factor >= 1) || Double.isInfinite(factor)) {
      throw new IllegalArgumentException("watch.factor must be a finite number of at least 1, got " + factor);
    }
    positive("minScoringVolume", minScoringVolume);
    positive("minDistinctSubjects", minDistinctSubjects);
    positive("maxOutsideIds", maxOutsideIds);
    positive("maxRefusals", maxRefusals);
    positive("maxExports", maxExports);
    if ((hoursFrom == null) != (hoursTo == null)) {
      throw new IllegalArgumentException("watch.hours needs both ends");
    }
    if (hoursFrom != null && hoursFrom.equals(hoursTo)) {
      throw new IllegalArgumentException("watch.hours is an empty range (" + hoursFrom + "-" + hoursTo + ")");
    }
  }

  private static void positive(String key, long v) {
    if (v < 1) {
      throw new IllegalArgumentException("watch." + key + " must be at least 1, got " + v);
    }
  }

  /** The defaults: on, hourly windows, a day of baseline, factor 5, no hours, blocking. */
  public static WatchConfig defaults() {
    return new WatchConfig(true, Duration.ofHours(1), 24, 5.0, 20_000, 10_000, 1_000, 20, 10, null, null,
        ZoneId.of("UTC"), true);
  }

  /** Whether {@code t} (in {@link #zone}) is outside the configured hours; never when none are set. */
  public boolean outsideHours(LocalTime t) {
    if (hoursFrom == null) {
      return false;
    }
    boolean inside = hoursFrom.isBefore(hoursTo)
        ? !t.isBefore(hoursFrom) && t.isBefore(hoursTo)
        : !t.isBefore(hoursFrom) || t.isBefore(hoursTo);
    return !inside;
  }

  /**
   * Reads the {@code watch} section ({@link #defaults()} when missing).
   *
   * @throws IllegalArgumentException starting with "line N: " for an unknown key, a value of the wrong
   *     type or an impossible setting
   */
  public static WatchConfig read(JsonNode w, YamlLines lines) {
    if (w == null || w.isMissingNode() || w.isNull()) {
      return defaults();
    }
    lines.requireKnown(w, "watch", KEYS);
    WatchConfig d = defaults();
    LocalTime from = null;
    LocalTime to = null;
    JsonNode hours = w.path("hours");
    if (!hours.isMissingNode() && !hours.isNull()) {
      String text = hours.asText();
      String[] ends = text.split("-", -1);
      try {
        if (!hours.isTextual() || ends.length != 2) {
          throw new DateTimeParseException("not HH:MM-HH:MM", text, 0);
        }
        from = LocalTime.parse(ends[0].strip());
        to = LocalTime.parse(ends[1].strip());
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(lines.at("watch.hours") + "watch.hours must be HH:MM-HH:MM, e.g."
            + " 06:00-22:00, got '" + text + "'");
      }
    }
    ZoneId zone = d.zone();
    JsonNode z = w.path("zone");
    if (!z.isMissingNode()) {
      try {
        zone = ZoneId.of(z.asText());
      } catch (DateTimeException e) {
        throw new IllegalArgumentException(lines.at("watch.zone") + "watch.zone must be a time zone such as UTC or"
            + " Europe/Paris, got '" + z.asText() + "'");
      }
    }
    try {
      return new WatchConfig(bool(w, "enabled", d.enabled(), lines),
          Duration.ofSeconds(whole(w, "windowSeconds", d.window().toSeconds(), lines)),
          (int) Math.min(Integer.MAX_VALUE, whole(w, "baselineWindows", d.baselineWindows(), lines)),
          number(w, "factor", d.factor(), lines),
          whole(w, "minScoringVolume", d.minScoringVolume(), lines),
          whole(w, "minDistinctSubjects", d.minDistinctSubjects(), lines),
          whole(w, "maxOutsideIds", d.maxOutsideIds(), lines),
          whole(w, "maxRefusals", d.maxRefusals(), lines),
          whole(w, "maxExports", d.maxExports(), lines),
          from, to, zone, bool(w, "block", d.block(), lines));
    } catch (IllegalArgumentException e) {
      String key = e.getMessage().startsWith("watch.") ? e.getMessage().split(" ")[0] : "watch";
      throw new IllegalArgumentException(lines.at(key) + e.getMessage(), e);
    }
  }

  private static long whole(JsonNode w, String key, long fallback, YamlLines lines) {
    JsonNode v = w.path(key);
    if (v.isMissingNode()) {
      return fallback;
    }
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw new IllegalArgumentException(lines.at("watch." + key) + "watch." + key + " must be a whole number, got '"
          + v.asText() + "'");
    }
    return v.longValue();
  }

  private static double number(JsonNode w, String key, double fallback, YamlLines lines) {
    JsonNode v = w.path(key);
    if (v.isMissingNode()) {
      return fallback;
    }
    if (!v.isNumber()) {
      throw new IllegalArgumentException(lines.at("watch." + key) + "watch." + key + " must be a number, got '"
          + v.asText() + "'");
    }
    return v.doubleValue();
  }

  private static boolean bool(JsonNode w, String key, boolean fallback, YamlLines lines) {
    JsonNode v = w.path(key);
    if (v.isMissingNode()) {
      return fallback;
    }
    if (!v.isBoolean()) {
      throw new IllegalArgumentException(lines.at("watch." + key) + "watch." + key + " must be true or false, got '"
          + v.asText() + "'");
    }
    return v.booleanValue();
  }
}
