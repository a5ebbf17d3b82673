package dev.tandem.node.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.node.training.Datasets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalDataTest {

  @Test
  void load_hashedSplit_isDeterministicDisjointAndNearTheFraction() {
    DataSourceConfig cfg = DataSourceConfig.of(Datasets.churnCsv(), Datasets.CHURN_ID).withSplitSeed(11);
    LocalData a = LocalData.load(cfg);
    LocalData b = LocalData.load(cfg);
    assertEquals(a.trainIds(), b.trainIds());
    assertEquals(7043, a.trainSize() + a.testSize());
    // 7043 * 0.2 = 1408.6, standard deviation 33.6: allow four of them
    assertTrue(Math.abs(a.testSize() - 1408.6) < 135, "test rows " + a.testSize());
    Set<String> overlap = new HashSet<>(a.trainIds());
    overlap.retainAll(a.testIds());
    assertTrue(overlap.isEmpty());
    LocalData other = LocalData.load(cfg.withSplitSeed(12));
    assertNotEquals(a.trainIds(), other.trainIds());
  }

  @Test
  void load_splitOfOneRecord_doesNotDependOnTheOtherRecords(@TempDir Path dir) throws Exception {
    Path big = dir.resolve("big.csv");
    Path small = dir.resolve("small.csv");
    StringBuilder sb = new StringBuilder("id,v\n");
    for (int i = 0; i < 200; i++) {
      sb.append("c").append(i).append(',').append(i).append('\n');
    }
    Files.writeString(big, sb);
    Files.writeString(small, "id,v\nc7,7\nc150,150\n");
    LocalData all = LocalData.load(DataSourceConfig.of(big, "id").withTestFraction(0.5).withSplitSeed(3));
    LocalData few = LocalData.load(DataSourceConfig.of(small, "id").withTestFraction(0.5).withSplitSeed(3));
    for (String id : new String[] {"c7", "c150"}) {
      assertEquals(all.testIds().contains(id), few.testIds().contains(id), id);
    }
    assertEquals(200, LocalData.load(DataSourceConfig.of(big, "id").withTestFraction(0)).trainSize());
  }

  @Test
  void load_testCsv_isTheHeldOutSet() {
    LocalData d = LocalData.load(DataSourceConfig.of(Datasets.breastGuestCsv(), Datasets.BREAST_ID)
        .withTestCsv(Datasets.breastTestCsv()));
    assertEquals(227, d.trainSize());
    assertEquals(114, d.testSize());
  }

  @Test
  void rows_columnMapping_readsLocalColumnsUnderFederationNamesAndHidesTheId(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("site.csv");
    Files.writeString(f, "subject,months,churned\ns1,12,Yes\ns2,3,No\n");
    LocalData d = LocalData.load(DataSourceConfig.of(f, "subject").withTestFraction(0)
        .withColumnMapping(Map.of("tenure", "months", "Churn", "churned")));
    assertEquals("12", d.train().get(0).get("tenure"));
    assertEquals("No", d.train().get(1).get("Churn"));
    assertEquals("12", d.train().get(0).get("months"), "unmapped names read their own column");
    assertNull(d.train().get(0).get("subject"), "the id never leaves LocalData through a row");
    assertFalse(d.train().get(0).toString().contains("s1"));
    LocalData mappedToId = LocalData.load(DataSourceConfig.of(f, "subject").withTestFraction(0)
        .withColumnMapping(Map.of("key", "subject")));
    assertNull(mappedToId.train().get(0).get("key"));
  }

  @Test
  void missingColumns_jobColumns_listsThoseNoRowCanRead(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("site.csv");
    Files.writeString(f, "subject,months,churned,gender\ns1,12,Yes,F\n");
    LocalData d = LocalData.load(DataSourceConfig.of(f, "subject").withTestFraction(0)
        .withColumnMapping(Map.of("tenure", "months")));
    assertEquals(List.of("Churn", "subject", "Contract"),
        d.missingColumns(List.of("tenure", "Churn", "gender", "subject", "Contract", "churned")));
    assertEquals(List.of(), d.retain(id -> true).missingColumns(List.of("tenure", "gender")));
    assertTrue(d.hasColumn("tenure"));
    assertTrue(d.hasColumn("months"));
    assertFalse(d.hasColumn("subject"));
    assertFalse(d.hasColumn("Contract"));
  }

  @Test
  void load_duplicateOrBlankIds_failWithTheLineButNotTheId(@TempDir Path dir) throws Exception {
    Path dup = dir.resolve("dup.csv");
    Files.writeString(dup, "id,v\nsecret-1,1\nsecret-2,2\nsecret-1,3\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> LocalData.load(DataSourceConfig.of(dup, "id")));
    assertTrue(e.getMessage().contains("line 4"), e.getMessage());
    assertFalse(e.getMessage().contains("secret"), e.getMessage());
    Path blank = dir.resolve("blank.csv");
    Files.writeString(blank, "id,v\na,1\n ,2\n");
    assertThrows(IllegalArgumentException.class, () -> LocalData.load(DataSourceConfig.of(blank, "id")));
  }

  @Test
  void load_missingIdOrMappedColumn_fails(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("f.csv");
    Files.writeString(f, "id,v\na,1\n");
    assertThrows(IllegalArgumentException.class, () -> LocalData.load(DataSourceConfig.of(f, "customer")));
    assertThrows(IllegalArgumentException.class, () -> LocalData.load(DataSourceConfig.of(f, "id")
        .withColumnMapping(Map.of("tenure", "months"))));
  }

  @Test
  void retain_filter_keepsOnlyAcceptedRecordsInBothSplits() {
    LocalData d = LocalData.load(DataSourceConfig.of(Datasets.churnCsv(), Datasets.CHURN_ID));
    LocalData kept = d.retain(id -> id.startsWith("7"));
    assertTrue(kept.trainSize() > 0 && kept.trainSize() < d.trainSize());
    assertTrue(kept.trainIds().stream().allMatch(id -> id.startsWith("7")));
    assertTrue(kept.testIds().stream().allMatch(id -> id.startsWith("7")));
    assertEquals(d.trainIds().stream().filter(id -> id.startsWith("7")).count(), kept.trainSize());
  }

  @Test
  void config_outOfRangeValues_areRejected() {
    Path p = Path.of("x.csv");
    assertThrows(IllegalArgumentException.class, () -> DataSourceConfig.of(p, " "));
    assertThrows(IllegalArgumentException.class, () -> DataSourceConfig.of(p, "id").withTestFraction(1.0));
    assertThrows(IllegalArgumentException.class, () -> DataSourceConfig.of(p, "id").withTestFraction(-0.1));
    assertEquals(0.2, DataSourceConfig.of(p, "id").testFraction());
  }
}
