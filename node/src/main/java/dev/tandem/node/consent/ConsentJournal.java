package dev.tandem.node.consent;

import java.sql.Connection;
import java.time.Instant;

/**
 * Where a {@link ConsentRegistry} reports each change it makes, so that the node's audit log
 * records it; receives pseudonyms, never subject ids.
 *
 * <p>The registry calls it inside its own database transaction, before committing, and hands it that
 * transaction ({@code tx}, the registry's connection with auto-commit off): a journal that writes into
 * the same database writes there and never commits, so that the change and its record commit together
 * or not at all (a crash between them cannot leave one without the other). If a method throws, the
 * change is rolled back (with whatever the journal wrote in {@code tx}) and the exception reaches the
 * registry's caller.
 */
public interface ConsentJournal {
  /** A single decision was recorded (by grant, revoke or {@link ConsentRegistry#record}). */
  void changed(Connection tx, ConsentChange change);

  /** A CSV import was recorded. */
  void imported(Connection tx, ConsentImport summary);

  /**
   * A subject was erased.
   *
   * @param pseudonym the subject's pseudonym
   * @param at when
   * @param consentRowsDeleted how many consent decisions were deleted
   */
  void erased(Connection tx, String pseudonym, Instant at, long consentRowsDeleted);
}
