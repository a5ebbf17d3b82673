package dev.tandem.model;

/** One record, read by column name. */
public interface RowView {

  /** The raw cell of {@code column}; {@code null} when the record has no such column. */
  String get(String column);
}
