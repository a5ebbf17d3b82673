package dev.tandem.bench.dp;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's `bench/run.sh dp` path, shortened: every mechanism at both epsilons, with an AUC. */
class DpBenchTest {
  @Test
  void main_shortRun_writesEveryMechanismAtEpsilon1And3(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("dp.json");
    DpBench.main(new String[] {"--rounds", "3", "--local-rounds", "1", "--repeats", "1", "--data", "heart",
        "--out", out.toString()});
    String json = Files.readString(out);
    for (String mechanism : DpBench.MECHANISMS) {
      assertTrue(json.contains("\"mechanism\":\"" + mechanism + "\""), mechanism + " missing from " + json);
    }
    assertTrue(json.contains("\"epsilon\":1.0") && json.contains("\"epsilon\":3.0"), json);
    assertTrue(json.matches("(?s).*\"auc\":0\\.[0-9]+.*"), json);
    // distributed noise: 4 hospitals, t = 3, the sum carries sqrt(4 / 3) of sigma; per-site noise sqrt(4)
    assertTrue(json.contains("\"sumNoiseOverSigma\":1.1547") && json.contains("\"sumNoiseOverSigma\":2.0000"), json);
    assertTrue(Files.readString(dir.resolve("dp.md")).contains("| UCI heart (4, t = 3) |"));
  }
}
