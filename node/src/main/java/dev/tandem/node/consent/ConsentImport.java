package dev.tandem.node.consent;

import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What one CSV import did.
 *
 * @param rows data rows read (blank lines not counted)
 * @param granted rows recorded as granted
 * @param revoked rows recorded as revoked
 * @param skippedErased rows skipped because their subject was erased
 * @param duplicates rows that repeat a decision exactly (in the file or already recorded): recorded
 *     once, so that an import can be repeated
 * @param purposes the purposes named by the recorded rows
 * @param sha256 SHA-256 (lower-case hex) of the imported text: every line, UTF-8, each followed by
 *     a line feed
 */
public record ConsentImport(long rows, long granted, long revoked, long skippedErased, long duplicates,
    Set<String> purposes, String sha256) {
  private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

  /** @throws IllegalArgumentException if the counts do not add up or the hash is malformed */
  public ConsentImport {
    if (rows < 0 || granted < 0 || revoked < 0 || skippedErased < 0 || duplicates < 0
        || granted + revoked + skippedErased + duplicates != rows) {
      throw new IllegalArgumentException("inconsistent import counts: rows " + rows + ", granted " + granted
          + ", revoked " + revoked + ", skipped " + skippedErased + ", duplicates " + duplicates);
    }
    purposes = Set.copyOf(Objects.requireNonNull(purposes, "purposes"));
    if (sha256 == null || !HEX64.matcher(sha256).matches()) {
      throw new IllegalArgumentException("sha256 must be 64 lower-case hex characters, got " + sha256);
    }
  }

  /** An import without duplicates. */
  public ConsentImport(long rows, long granted, long revoked, long skippedErased, Set<String> purposes,
      String sha256) {
    this(rows, granted, revoked, skippedErased, 0, purposes, sha256);
  }
}
