package dev.tandem.coordinator.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CoordinatorConfigTest {
  @TempDir Path dir;

  private static final String BASE = """
      host: 127.0.0.1
      tls: {cert: c.pem, key: c.key, ca: ca.pem}
      sites: [a, b]
      database: jdbc:h2:mem:coordinator-config-test
      """;

  private CoordinatorConfig load(String extra) throws Exception {
    Path file = dir.resolve("coordinator.yaml");
    Files.writeString(file, BASE + extra);
    return CoordinatorConfig.load(file);
  }

  private IllegalArgumentException refused(String extra) {
    return assertThrows(IllegalArgumentException.class, () -> load(extra));
  }

  private static void says(IllegalArgumentException e, String... phrases) {
    for (String p : phrases) {
      assertTrue(e.getMessage().contains(p), "'" + p + "' in: " + e.getMessage());
    }
  }

  @Test
  void load_everySetting_read() throws Exception {
    CoordinatorConfig c = load("port: 7500\nroundTimeoutSeconds: 30\nconnectTimeoutSeconds: 2.5\n"
        + "maxMessageBytes: 2048\n");
    assertEquals(7500, c.port());
    assertEquals(Duration.ofSeconds(30), c.roundTimeout());
    assertEquals(Duration.ofMillis(2500), c.connectTimeout());
    assertEquals(2048, c.maxMessageBytes());
    assertEquals(CoordinatorConfig.DEFAULT_PORT, load("").port());
  }

  @Test
  void load_misspeltTopLevelKey_refusedWithFileLineAndSuggestion() {
    says(refused("roundTimeoutSecond: 30\n"), "coordinator.yaml", "line 5",
        "unknown key 'roundTimeoutSecond' (did you mean 'roundTimeoutSeconds'?");
    says(refused("prot: 7500\n"), "line 5", "unknown key 'prot' (did you mean 'port'?");
  }

  @Test
  void load_misspeltTlsKey_refusedWithSuggestion() throws Exception {
    Path file = dir.resolve("coordinator.yaml");
    Files.writeString(file, BASE.replace("ca: ca.pem}", "ca: ca.pem, clr: crl.pem}"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CoordinatorConfig.load(file));
    says(e, "line 2", "unknown key 'tls.clr' (did you mean 'crl'?");
  }

  @Test
  void load_numbersThatDoNotParseOrLieOutsideTheirRange_refused() {
    says(refused("port: 70000\n"), "line 5", "port must be in [0, 65535], got 70000");
    says(refused("port: seven\n"), "line 5", "port must be a whole number");
    says(refused("roundTimeoutSeconds: 0\n"), "line 5", "roundTimeoutSeconds must be in (0, 604800]");
    says(refused("connectTimeoutSeconds: soon\n"), "line 5", "connectTimeoutSeconds must be a number");
    says(refused("maxMessageBytes: 99999999999999999999\n"), "line 5", "maxMessageBytes must be a whole number");
  }

  @Test
  void load_sitesNotAListOfIds_refused() throws Exception {
    Path file = dir.resolve("coordinator.yaml");
    Files.writeString(file, BASE.replace("sites: [a, b]", "sites: a"));
    says(assertThrows(IllegalArgumentException.class, () -> CoordinatorConfig.load(file)), "line 3",
        "sites must be a list");
  }
}
