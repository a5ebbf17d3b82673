package dev.tandem.node.vertical.scoring;

import dev.tandem.model.RowView;
import dev.tandem.node.data.LocalData;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * The node's records of both splits by subject id, for scoring. A subject in both the training and the
 * held-out file is scored from its training row. Immutable and thread-safe.
 */
final class HeldRecords {
  private final Map<String, RowView> rows;

  private HeldRecords(Map<String, RowView> rows) {
    this.rows = rows;
  }

  static HeldRecords of(LocalData data) {
    Map<String, RowView> rows = new HashMap<>();
    // ids are unique within a file, so ids and rows of a split pair up in file order
    Iterator<String> trainIds = data.trainIds().iterator();
    for (RowView row : data.train()) {
      rows.put(trainIds.next(), row);
    }
    Iterator<String> testIds = data.testIds().iterator();
    for (RowView row : data.test()) {
      rows.putIfAbsent(testIds.next(), row);
    }
    return new HeldRecords(Map.copyOf(rows));
  }

  /** The record of {@code id}, if the node holds one. */
  Optional<RowView> row(String id) {
    return Optional.ofNullable(rows.get(id));
  }
}
