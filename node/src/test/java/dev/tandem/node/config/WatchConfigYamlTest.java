package dev.tandem.node.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.node.watch.WatchConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code watch:} section of a node's YAML: defaults, every setting, and errors with file and line. */
class WatchConfigYamlTest {
  @TempDir Path dir;

  private static final String BASE = """
      site: bank
      coordinator: 127.0.0.1:7443
      tls: {cert: bank.pem, key: bank.key, ca: ca.pem}
      data: {csv: bank.csv, idColumn: id}
      database: db
      """;

  private NodeConfig load(String extra) throws Exception {
    Path file = dir.resolve("bank.yaml");
    Files.writeString(file, BASE + extra);
    return NodeConfig.load(file);
  }

  private IllegalArgumentException refused(String extra) {
    return assertThrows(IllegalArgumentException.class, () -> load(extra));
  }

  private static void says(IllegalArgumentException e, String... phrases) {
    for (String p : phrases) {
      assertTrue(e.getMessage().contains(p), "'" + p + "' not in: " + e.getMessage());
    }
  }

  @Test
  void load_noWatchSection_defaultsOnAndBlocking() throws Exception {
    WatchConfig w = load("").watch();
    assertEquals(WatchConfig.defaults(), w);
    assertTrue(w.enabled());
    assertTrue(w.block());
    assertFalse(w.outsideHours(LocalTime.of(3, 0)), "no hours configured: no hour is outside");
  }

  @Test
  void load_watchSection_readsEverySetting() throws Exception {
    WatchConfig w = load("""
        watch:
          enabled: true
          windowSeconds: 600
          baselineWindows: 12
          factor: 3.5
          minScoringVolume: 500
          minDistinctSubjects: 400
          maxOutsideIds: 30
          maxRefusals: 7
          maxExports: 2
          hours: "22:00-06:00"
          zone: Europe/Paris
          block: false
        """).watch();
    assertEquals(new WatchConfig(true, Duration.ofMinutes(10), 12, 3.5, 500, 400, 30, 7, 2, LocalTime.of(22, 0),
        LocalTime.of(6, 0), ZoneId.of("Europe/Paris"), false), w);
    assertTrue(w.outsideHours(LocalTime.of(12, 0)));
    assertFalse(w.outsideHours(LocalTime.of(23, 30)), "a range over midnight");
    assertFalse(w.outsideHours(LocalTime.of(5, 59)));
  }

  @Test
  void load_badWatchSettings_refusedWithFileLineAndReason() {
    says(refused("watch:\n  maxRefusal: 3\n"), "bank.yaml", "line 7", "unknown key 'watch.maxRefusal'");
    says(refused("watch:\n  block: true\n  factor: lots\n"), "bank.yaml", "line 8", "watch.factor must be a number");
    says(refused("watch:\n  maxOutsideIds: 2.5\n"), "line 7", "watch.maxOutsideIds must be a whole number");
    says(refused("watch:\n  maxExports: 0\n"), "line 7", "watch.maxExports must be at least 1");
    says(refused("watch:\n  factor: 0.5\n"), "line 7", "watch.factor must be a finite number of at least 1");
    says(refused("watch:\n  windowSeconds: -60\n"), "line 7", "watch.windowSeconds must be at least 1");
    says(refused("watch:\n  hours: \"25:00-06:00\"\n"), "line 7", "watch.hours must be HH:MM-HH:MM");
    says(refused("watch:\n  hours: \"06:00-06:00\"\n"), "line 7", "watch.hours is an empty range");
    says(refused("watch:\n  zone: Mars/Olympus\n"), "line 7", "watch.zone must be a time zone");
    says(refused("watch:\n  block: yes please\n"), "line 7", "watch.block must be true or false");
    says(refused("watch: [1, 2]\n"), "line 6", "watch must be a mapping");
  }
}
