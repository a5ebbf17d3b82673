package dev.tandem.node.consent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Imports 100,000 consent records and selects the consented ones. The 1,000,000-record run takes
 * longer than a unit test should on two cores: see {@link ConsentLoadBenchmark}.
 */
class ConsentLoadTest {
  @TempDir
  Path dir;

  @Test
  void importAndSelect_100000Records_selectsTheGrantedOnesQuickly() {
    int rows = 100_000;
    ConsentLoadBenchmark.Result r = ConsentLoadBenchmark.run("jdbc:h2:file:" + dir.resolve("node"), rows);
    System.out.printf("consent import of %,d rows: %,d ms; selection of %,d consented subjects: %,d ms;"
        + " their Merkle set: %,d ms%n", rows, r.importMillis(), r.selected(), r.selectMillis(), r.merkleMillis());
    assertEquals(rows - rows / 5, r.selected());
    // generous bounds (about 20 times the time measured on an idle 2-core machine): a guard
    // against a quadratic import or an unindexed selection, not a benchmark
    assertTrue(r.importMillis() < 60_000, "import took " + r.importMillis() + " ms");
    assertTrue(r.selectMillis() < 20_000, "selection took " + r.selectMillis() + " ms");
  }
}
