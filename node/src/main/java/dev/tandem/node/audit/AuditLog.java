package dev.tandem.node.audit;

import dev.tandem.certs.IssuedCertificate;
import dev.tandem.crypto.merkle.MerkleSet;
import dev.tandem.node.consent.ConsentJournal;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The node's append-only audit log: hash-chained entries, each signed with the node's certificate
 * key, kept in the node's SQL database (tables {@code audit_*}), with the coordinator's
 * countersignatures of its head and the subject sets of contributed rounds. The format of entries
 * and of {@link #export()} is in docs/AUDIT_FORMAT.md.
 *
 * <p>Entry times never go backwards (an entry is dated no earlier than the one before, to the
 * millisecond). Appends from several processes sharing the database queue on a lock row
 * ({@code audit_append_lock}, taken with {@code SELECT ... FOR UPDATE}); the entry sequence number's
 * primary key backs it up. Implementations are thread-safe. Methods throw
 * {@link IllegalArgumentException} for invalid input and {@link IllegalStateException} for a
 * database failure.
 */
public interface AuditLog extends AutoCloseable {
  /**
   * Opens (creating the tables if needed) the log in the database at {@code jdbcUrl}, signing with
   * the node's certificate key.
   *
   * @param nodeKey the node's certificate (issued by {@code federationCa}, role node) and EC key
   * @param federationCa checks countersignatures and goes into exports
   * @param clock dates the entries
   * @throws IllegalArgumentException if the certificate is not a node certificate of the
   *     federation or the key is not EC
   */
  static AuditLog open(String jdbcUrl, IssuedCertificate nodeKey, X509Certificate federationCa, Clock clock) {
    return JdbcAuditLog.open(jdbcUrl, nodeKey, federationCa, clock);
  }

  /** The node's site id (from its certificate). */
  String site();

  /**
   * Appends an entry of type {@link AuditEntryType#CONSENT_CHANGED}, {@link AuditEntryType#JOB_ACCEPTED},
   * {@link AuditEntryType#JOB_REFUSED}, {@link AuditEntryType#ANSWER_REFUSED}, {@link AuditEntryType#ERASURE},
   * {@link AuditEntryType#SUBJECT_ACCESS_REPORTED}, {@link AuditEntryType#LEAK_ALERT} or
   * {@link AuditEntryType#LEAK_ALERT_CLEARED} with {@code payload}
   * written as canonical JSON (keys sorted). Values may be strings, numbers, booleans, null,
   * lists and maps. Never put a subject id in a payload: the log cannot forget it.
   *
   * @throws IllegalArgumentException for the other types (use {@link #roundContributed},
   *     {@link #recordsUsed}, {@link #subjectsScored} and {@link #countersign}) or a payload over 1,000,000 characters
   */
  AuditEntry append(AuditEntryType type, Map<String, ?> payload);

  /** Appends {@code JOB_ACCEPTED {job, purpose}}. */
  AuditEntry jobAccepted(String jobId, String purpose);

  /** Appends {@code JOB_REFUSED {job, purpose, reason}}; the purpose may be null if the job named none. */
  AuditEntry jobRefused(String jobId, String purpose, String reason);

  /**
   * Appends {@code ANSWER_REFUSED {job, round, reason, sentSha256}}: the coordinator refused an
   * answer already audited as a use (it was sent, so the coordinator may have read it).
   *
   * @param sentSha256 hex SHA-256 of the bytes sent, as in the entry that audited the use
   */
  AuditEntry answerRefused(String jobId, int round, String reason, String sentSha256);

  /**
   * Appends {@code ROUND_CONTRIBUTED} and keeps the round's sorted leaf hashes (pseudonymous) so
   * that subject-access proofs can be made later.
   */
  AuditEntry roundContributed(RoundContribution contribution);

  /**
   * Appends {@code RECORDS_USED} and keeps the sorted leaf hashes of the records used (pseudonymous),
   * so that subject-access reports cover statistics and evaluation as they cover training.
   */
  AuditEntry recordsUsed(RecordsUsed use);

  /**
   * Appends {@code SUBJECTS_SCORED} and keeps the scored subjects' sorted leaf hashes
   * (pseudonymous), so that subject-access reports cover scoring as they cover training.
   */
  AuditEntry subjectsScored(SubjectsScored scoring);

  /**
   * Checks a countersignature of one of this log's heads (coordinator certificate issued by the
   * federation CA, site, signature, and the hash of the entry at its seq), keeps it, and appends
   * {@code HEAD_COUNTERSIGNED}.
   *
   * @throws IllegalArgumentException naming what is wrong with the countersignature
   */
  AuditEntry countersign(HeadCountersignature countersignature);

  /**
   * Asks {@code signer} to countersign the current head and records the answer as
   * {@link #countersign} does.
   *
   * @throws IllegalStateException if the log is empty
   */
  AuditEntry countersignHead(HeadCountersigner signer);

  /** The latest entry's seq and hash; seq 0 and zero hash for the empty log. */
  LogHead head();

  /** Every entry, by seq. */
  List<AuditEntry> entries();

  /** Every countersignature kept, by seq. */
  List<HeadCountersignature> countersignatures();

  /**
   * The subject set of a {@code ROUND_CONTRIBUTED}, {@code RECORDS_USED} or {@code SUBJECTS_SCORED} entry, rebuilt from
   * the stored leaves and checked against the entry's root.
   *
   * @return empty if there is no such entry
   * @throws IllegalStateException if the stored leaves do not give the entry's root
   */
  Optional<MerkleSet> subjectSet(long seq);

  /**
   * A journal that records the consent registry's changes in this log, each entry written in the
   * registry's own transaction, so that a change and its entry commit together. The registry must keep
   * its tables in this log's database.
   */
  ConsentJournal consentJournal();

  /** Everything an auditor needs to verify this log offline. */
  AuditExport export();

  /** Closes the database connection. */
  @Override
  void close();
}
