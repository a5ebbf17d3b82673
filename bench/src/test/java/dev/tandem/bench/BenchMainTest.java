package dev.tandem.bench;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class BenchMainTest {
  private static boolean matches(String pattern, String benchmark) {
    return Pattern.compile(pattern).matcher(benchmark).find();
  }

  @Test
  void includePattern_noInclude_matchesEveryBenchmarkOfTheSuiteOnly() {
    String pattern = BenchMain.includePattern("crypto", null);
    assertTrue(matches(pattern, "dev.tandem.bench.crypto.PrgBench.add"));
    assertFalse(matches(pattern, "dev.tandem.bench.rounds.RoundsBench.run"));
    assertFalse(matches(pattern, "org.example.dev.tandem.bench.crypto.PrgBench.add"));
  }

  @Test
  void includePattern_include_narrowsWithinTheSuite() {
    String pattern = BenchMain.includePattern("crypto", "PrgBench.(add|jdk)");
    assertTrue(matches(pattern, "dev.tandem.bench.crypto.PrgBench.add"));
    assertTrue(matches(pattern, "dev.tandem.bench.crypto.PrgBench.jdkAesCtr"));
    assertFalse(matches(pattern, "dev.tandem.bench.crypto.PrgBench.expand"));
    assertFalse(matches(pattern, "dev.tandem.bench.crypto.ShareKeysBench.shareKeys"));
  }

  @Test
  void includePattern_unknownSuite_throwsNamingIt() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> BenchMain.includePattern("nope", null));
    assertTrue(e.getMessage().contains("nope"));
  }

  @Test
  void runSettings_noMeasuredIteration_throws() {
    assertThrows(IllegalArgumentException.class,
        () -> new RunSettings(2, Duration.ofSeconds(1), 0, Duration.ofSeconds(1), 1));
  }

  @Test
  void runSettings_zeroForks_throws() {
    assertThrows(IllegalArgumentException.class,
        () -> new RunSettings(2, Duration.ofSeconds(1), 3, Duration.ofSeconds(1), 0));
  }

  @Test
  void runSettings_zeroTime_throws() {
    assertThrows(IllegalArgumentException.class,
        () -> new RunSettings(2, Duration.ZERO, 3, Duration.ofSeconds(1), 1));
  }
}
