package dev.tandem.node.consent;

import java.time.Instant;

/**
 * Where a {@link ConsentRegistry} reports each change it makes, so that the node's audit log
 * records it; receives pseudonyms, never subject ids.
 *
 * <p>The registry calls it inside its own database transaction, before committing: if a method
 * throws, the change is rolled back and the exception reaches the registry's caller.
 */
public interface ConsentJournal {
  /** A single decision was recorded (by grant, revoke or {@link ConsentRegistry#record}). */
  void changed(ConsentChange change);

  /** A CSV import was recorded. */
  void imported(ConsentImport summary);

  /**
   * A subject was erased.
   *
   * @param pseudonym the subject's pseudonym
   * @param at when
   * @param consentRowsDeleted how many consent decisions were deleted
   */
  void erased(String pseudonym, Instant at, long consentRowsDeleted);
}
