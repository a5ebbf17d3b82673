package dev.tandem.node.consent;

import dev.tandem.crypto.merkle.MerkleSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Imports 1,000,000 consent records into an embedded H2 node database, selects the consented
 * subjects for a job and commits to their pseudonyms with a Merkle set (what a round does), printing
 * the times.
 *
 * <p>Run from {@code node/}: {@code mvn -o -q test-compile && cp=$(mktemp) && mvn -o -q
 * dependency:build-classpath -Dmdep.outputFile=$cp && java -Xmx2g -cp
 * target/test-classes:target/classes:$(cat $cp) dev.tandem.node.consent.ConsentLoadBenchmark [rows]}.
 */
public final class ConsentLoadBenchmark {
  private ConsentLoadBenchmark() {}

  public static void main(String[] args) throws Exception {
    long rows = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000L;
    Path dir = Files.createTempDirectory("tandem-consent-bench");
    String url = "jdbc:h2:file:" + dir.resolve("node");
    try {
      Result r = run(url, rows);
      System.out.printf("consent import of %,d rows: %,d ms (%,.0f rows/s); selection of %,d consented subjects: %,d ms;"
              + " their pseudonyms and Merkle set: %,d ms%n", rows, r.importMillis(),
          rows * 1000.0 / Math.max(1, r.importMillis()), r.selected(), r.selectMillis(), r.merkleMillis());
    } finally {
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  record Result(long importMillis, long selectMillis, int selected, long merkleMillis) {}

  static Result run(String url, long rows) {
    Pseudonyms pseudonyms = Pseudonyms.open(Path.of(url.substring("jdbc:h2:file:".length()) + ".pseudonym-secret"),
        url);
    try (ConsentRegistry registry = ConsentRegistry.open(url, pseudonyms, new RecordingJournal(),
        Clock.systemUTC())) {
      long t0 = System.nanoTime();
      ConsentImport summary = registry.importCsv(new ConsentLoad(rows));
      long t1 = System.nanoTime();
      Set<String> selected = registry.consentedSubjects("churn", Instant.parse("2025-01-01T00:00:00Z"));
      long t2 = System.nanoTime();
      List<byte[]> leaves = new ArrayList<>(selected.size());
      for (String id : selected) {
        leaves.add(pseudonyms.bytes(id));
      }
      MerkleSet set = MerkleSet.of(leaves);
      long t3 = System.nanoTime();
      if (summary.rows() != rows || selected.size() != summary.granted() || set.size() != selected.size()) {
        throw new AssertionError("imported " + summary + " but selected " + selected.size());
      }
      return new Result((t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, selected.size(), (t3 - t2) / 1_000_000);
    }
  }
}
