package dev.tandem.bench.vertical;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bench/README.md's `bench/run.sh vertical` path, shortened: every row and field it reports is there. */
class VerticalBenchTest {
  @Test
  void main_shortRun_writesEveryModeWithEpochSeconds(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("vertical.json");
    VerticalBench.main(new String[] {"--bits", "BITS_1024_TESTING_ONLY", "--epochs", "1", "--batch", "64",
        "--rows", "300", "--out", out.toString()});
    String json = Files.readString(out);
    for (String mode : new String[] {"\"mode\":\"plaintext\"", "\"mode\":\"all work counted (online = all)\"",
        "\"mode\":\"setup, once per job\"", "\"mode\":\"evaluation, once per job\"", "\"naive\":"}) {
      assertTrue(json.contains(mode), mode + " missing from " + json);
    }
    assertTrue(json.matches("(?s).*\"epochSeconds\":[0-9.]+.*"), json);
  }
}
