package dev.tandem.vertical;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class BatchScheduleTest {

  @Test
  void rows_remainderOfTheRows_mergedIntoTheLastBatch() {
    BatchSchedule s = new BatchSchedule(103, 10, 42);
    assertEquals(10, s.batches());
    for (int b = 0; b < 9; b++) {
      assertEquals(10, s.rows(0, b).length);
      assertEquals(10, s.size(b));
    }
    assertEquals(13, s.rows(0, 9).length, "the 3 left over join the last batch instead of forming a batch of 3");
    assertEquals(13, s.size(9));
  }

  @Test
  void rows_anyRowCount_noBatchShorterThanTheBatchSize() {
    for (int rows = 10; rows <= 200; rows++) {
      BatchSchedule s = new BatchSchedule(rows, 10, 7);
      int total = 0;
      for (int b = 0; b < s.batches(); b++) {
        int n = s.rows(1, b).length;
        assertTrue(n >= 10 && n < 20, rows + " rows: batch " + b + " holds " + n);
        total += n;
      }
      assertEquals(rows, total);
    }
  }

  @Test
  void rows_fewerRowsThanTheBatchSize_oneBatchOfAllRows() {
    BatchSchedule s = new BatchSchedule(7, 10, 1);
    assertEquals(1, s.batches());
    int[] rows = s.rows(0, 0);
    Arrays.sort(rows);
    assertEquals("[0, 1, 2, 3, 4, 5, 6]", Arrays.toString(rows));
  }

  @Test
  void rows_exactMultiple_everyBatchFull() {
    BatchSchedule s = new BatchSchedule(40, 10, 3);
    assertEquals(4, s.batches());
    assertEquals(10, s.rows(2, 3).length);
  }

  @Test
  void rows_batchOutsideTheEpoch_refused() {
    BatchSchedule s = new BatchSchedule(25, 10, 3);
    assertThrows(IllegalArgumentException.class, () -> s.rows(0, 2));
    assertThrows(IllegalArgumentException.class, () -> s.size(-1));
  }
}
