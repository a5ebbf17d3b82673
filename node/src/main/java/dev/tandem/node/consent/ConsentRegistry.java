package dev.tandem.node.consent;

import java.io.Reader;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The node's consent registry: every decision of every subject for every purpose, over time.
 *
 * <p>The decision in force for a subject and purpose at an instant is the one with the latest
 * {@code since} not after that instant (among equal {@code since}, the one recorded last). A
 * subject with no decision in force has no consent. Erased subjects are forgotten: their decisions
 * are deleted, a tombstone keyed by their pseudonym keeps them out, and the registry refuses new
 * decisions for them (imports skip their rows).
 *
 * <p>Every change is reported to the {@link ConsentJournal} inside the change's transaction.
 * Implementations are thread-safe. Methods throw {@link IllegalArgumentException} for invalid
 * input (naming it) and {@link IllegalStateException} for a database failure or a refused change.
 */
public interface ConsentRegistry extends AutoCloseable {
  /**
   * Opens (creating the tables if needed) the registry in the SQL database at {@code jdbcUrl}
   * (embedded H2 by default; the SQL is plain enough for PostgreSQL).
   *
   * @param clock dates grants, revocations and erasures, and defines "now" for {@link #current}
   */
  static ConsentRegistry open(String jdbcUrl, Pseudonyms pseudonyms, ConsentJournal journal, Clock clock) {
    return JdbcConsentRegistry.open(jdbcUrl, pseudonyms, journal, clock);
  }

  /**
   * Records that the subject grants consent for the purpose from now on.
   *
   * @param evidence where the consent was collected, or null
   * @param policyVersion the policy version consented to, or null
   * @throws IllegalStateException if the subject was erased
   */
  Consent grant(String subjectId, String purpose, String evidence, String policyVersion);

  /**
   * Records that the subject revokes consent for the purpose from now on; it takes effect for
   * every selection at or after now.
   *
   * @throws IllegalStateException if the subject was erased
   */
  Consent revoke(String subjectId, String purpose, String evidence, String policyVersion);

  /**
   * Records a decision with its own {@code since} (which may lie in the past or the future).
   *
   * @throws IllegalStateException if the subject was erased
   */
  Consent record(Consent consent);

  /**
   * Imports decisions from CSV, all or nothing, in one transaction.
   *
   * <p>The first line is a header naming the columns, in any order: {@code subject_id},
   * {@code purpose}, {@code state} ({@code granted} or {@code revoked}), {@code since} (an ISO-8601
   * instant such as {@code 2024-03-01T10:00:00Z}, or a date, meaning its start in UTC), and
   * optionally {@code evidence} and {@code policy_version}. Fields are separated by commas and may
   * be double-quoted (a quote inside doubled); a record is one line; blank lines are ignored.
   * Rows of erased subjects are skipped and counted.
   *
   * @throws ConsentImportException listing malformed lines by number; nothing is recorded then
   * @throws java.io.UncheckedIOException if the reader fails
   */
  ConsentImport importCsv(Reader csv);

  /**
   * Erases a subject: deletes every decision, keeps a tombstone of the pseudonym and reports the
   * erasure to the journal. Idempotent.
   *
   * @return true if the subject was erased now, false if it had been erased before
   */
  boolean erase(String subjectId);

  /** Whether the subject was erased. */
  boolean isErased(String subjectId);

  /** The decision in force now (by the registry's clock), if any. */
  Optional<Consent> current(String subjectId, String purpose);

  /** The decision in force at {@code at}, if any. */
  Optional<Consent> at(String subjectId, String purpose, Instant at);

  /** Every decision recorded for the subject, oldest {@code since} first. */
  List<Consent> history(String subjectId);

  /**
   * The subjects whose decision in force for {@code purpose} at {@code at} is a grant: the records
   * a job for that purpose may train on in a round starting at {@code at}.
   */
  Set<String> consentedSubjects(String purpose, Instant at);

  /** Closes the database connection. */
  @Override
  void close();
}
