package dev.tandem.node.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataSnapshotsTest {
  @TempDir Path dir;

  @Test
  void forJob_readsAtTheJobsFirstCall_keepsItForTheJob_sharesAnUnchangedSnapshot() throws Exception {
    Path f = dir.resolve("d.csv");
    Files.writeString(f, "id,v\nA,1\nB,2\n");
    DataSnapshots snapshots = DataSnapshots.of(DataSourceConfig.of(f, "id").withTestFraction(0), java.time.Duration.ZERO);
    LocalData atStart = snapshots.latest();
    assertEquals(2, atStart.trainSize());

    LocalData job1 = snapshots.forJob("job-1");
    assertSame(atStart, job1, "the same bytes: the snapshot read at start is shared, not held twice");

    Files.writeString(f, "id,v\nA,1\nB,2\nC,3\n");
    assertSame(job1, snapshots.forJob("job-1"), "a running job keeps its snapshot");
    LocalData job2 = snapshots.forJob("job-2");
    assertEquals(3, job2.trainSize(), "the next job reads the new data");
    assertNotEquals(job1.version(), job2.version());
    assertSame(job2, snapshots.latest());

    Files.writeString(f, "id,v\nA,1\n\"B");
    assertThrows(CsvFormatException.class, () -> snapshots.forJob("job-3"));
    assertSame(job2, snapshots.latest(), "a failed read changes nothing");
    Files.writeString(f, "id,v\nA,1\n");
    assertEquals(1, snapshots.forJob("job-3").trainSize(), "the job's next call reads again");
  }

  @Test
  void current_readsNow_sharesAnUnchangedSnapshot_leavesEveryJobsSnapshot() throws Exception {
    Path f = dir.resolve("d.csv");
    Files.writeString(f, "id,v\nA,1\n");
    DataSnapshots snapshots = DataSnapshots.of(DataSourceConfig.of(f, "id").withTestFraction(0), java.time.Duration.ZERO);
    LocalData job1 = snapshots.forJob("job-1");
    assertSame(job1, snapshots.current(), "unchanged: shared");

    Files.writeString(f, "id,v\nA,1\nB,2\n");
    LocalData now = snapshots.current();
    assertEquals(2, now.trainSize(), "read now");
    assertSame(now, snapshots.latest());
    for (int i = 0; i < 40; i++) {
      snapshots.current();
    }
    assertSame(job1, snapshots.forJob("job-1"), "a running job keeps its snapshot, however many reads came between");

    Files.writeString(f, "id,v\nA,1\n\"B");
    assertThrows(CsvFormatException.class, snapshots::current);
    assertSame(now, snapshots.latest(), "a failed read changes nothing");
  }

  /** Scoring calls current() per request: within the maximum age it must not read the whole source again. */
  @Test
  void current_withinMaxAge_servesTheLastSnapshotWithoutReadingTheSource() throws Exception {
    Path f = dir.resolve("d.csv");
    Files.writeString(f, "id,v\nA,1\n");
    DataSnapshots snapshots = DataSnapshots.of(DataSourceConfig.of(f, "id").withTestFraction(0),
        java.time.Duration.ofMinutes(10));
    LocalData first = snapshots.current();
    Files.writeString(f, "id,v\nA,1\n\"B"); // a read now would fail
    for (int i = 0; i < 100; i++) {
      assertSame(first, snapshots.current(), "served from the snapshot, the source not read");
    }
    assertThrows(CsvFormatException.class, () -> snapshots.forJob("job-2"), "a job still reads the source");
  }

  @Test
  void of_badSourceFailsAtStart() {
    assertThrows(java.io.UncheckedIOException.class,
        () -> DataSnapshots.of(DataSourceConfig.of(dir.resolve("absent.csv"), "id")));
  }
}
