package dev.tandem.node.admin;

/**
 * The largest request bodies the admin API reads; a larger body gets 413.
 *
 * @param json bytes of a JSON request body
 * @param csvImport bytes of a consent CSV import
 */
record BodyLimits(long json, long csvImport) {
  /** 64 KiB of JSON, 64 MiB of CSV. */
  static final BodyLimits DEFAULT = new BodyLimits(64L * 1024, 64L * 1024 * 1024);

  BodyLimits {
    if (json < 1 || csvImport < 1) {
      throw new IllegalArgumentException("body limits must be positive, got json " + json + ", csv " + csvImport);
    }
  }
}
