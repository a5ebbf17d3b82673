package dev.tandem.bench.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's `bench/run.sh data` path at 2,000 rows (the 10^7 run is the bench's, never the tests'). */
class DataLoadBenchTest {
  @Test
  void run_smallSize_writesEveryLoadWithRatesRatiosAndHeap(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("data.json");
    DataLoadBench.main(new String[] {"--rows", "2000", "--columns", "20", "--out", out.toString()});
    JsonNode json = new ObjectMapper().readTree(Files.readString(out));
    assertEquals("data", json.get("benchmark").asText());
    assertEquals(2000, json.get("rows").asLong());
    assertTrue(json.get("csvBytes").asLong() > 2000 * 20, json.toString());
    assertTrue(json.get("sqlDatabase").asText().startsWith("H2"), json.toString());
    JsonNode results = json.get("results");
    assertEquals(4, results.size());
    String[] names = {"csv-lines", "csv-source", "jdbc-rows", "sql-source"};
    for (int i = 0; i < names.length; i++) {
      JsonNode r = results.get(i);
      assertEquals(names[i], r.get("name").asText());
      assertEquals(2000, r.get("rows").asLong(), "every load read every row");
      assertTrue(r.get("rowsPerSecond").asDouble() > 0, r.toString());
      assertTrue(r.get("peakHeapBytes").asLong() >= 0 && r.get("retainedHeapBytes").asLong() >= 0, r.toString());
    }
    assertEquals("csv-lines", results.get(1).get("baseline").asText());
    assertEquals("jdbc-rows", results.get(3).get("baseline").asText());
    assertTrue(results.get(1).get("ratio").asDouble() > 0 && results.get(3).get("ratio").asDouble() > 0);
    try (var files = Files.list(dir)) {
      assertEquals(1, files.count(), "the generated file and database are deleted; only the JSON is left");
    }
  }

  /** {@code --postgres}: the SQL rows against a throwaway PostgreSQL server the scenario starts itself. */
  @Test
  void run_postgres_sqlRowsReadFromAPostgreSqlServer(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("data-postgres.json");
    DataLoadBench.main(new String[] {"--rows", "500", "--columns", "5", "--postgres", "--out", out.toString()});
    JsonNode json = new ObjectMapper().readTree(Files.readString(out));
    assertTrue(json.get("sqlDatabase").asText().startsWith("PostgreSQL"), json.toString());
    assertEquals(500, json.get("results").get(3).get("rows").asLong());
  }

  @Test
  void settings_badArguments_refused() {
    assertThrows(IllegalArgumentException.class, () -> DataLoadBench.settings(new String[] {"--rows"}));
    assertThrows(IllegalArgumentException.class, () -> DataLoadBench.settings(new String[] {"--rowz", "5"}));
    assertThrows(IllegalArgumentException.class, () -> DataLoadBench.settings(new String[] {"--columns", "1"}));
    assertEquals(10_000_000, DataLoadBench.settings(new String[0]).rows());
    assertThrows(IllegalArgumentException.class,
        () -> DataLoadBench.settings(new String[] {"--postgres", "--sql-url", "jdbc:postgresql://db/x"}));
  }
}
