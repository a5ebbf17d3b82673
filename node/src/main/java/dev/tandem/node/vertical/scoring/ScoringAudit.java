package dev.tandem.node.vertical.scoring;

import dev.tandem.node.audit.AuditLog;
import dev.tandem.node.audit.RoundContribution;
import dev.tandem.node.audit.SubjectsScored;
import dev.tandem.node.data.DataVersion;
import dev.tandem.node.vertical.VerticalModelPiece;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Collection;
import java.util.HexFormat;

/**
 * Writes a scoring into the audit log as a use of the records ({@link AuditLog#subjectsScored}):
 * the purpose, job, model version, role, requester, consent instant and the subject set of the
 * records used (pseudonyms only), with the SHA-256 of what was sent; then has the coordinator
 * countersign the head. Subject ids never reach the log.
 */
final class ScoringAudit {
  private ScoringAudit() {}

  /**
   * Appends the entry for the records of {@code subjectIds} used with {@code piece}, before
   * {@code sent} leaves, and has the head countersigned ({@link ScoringContext#countersignHead}).
   *
   * @param role {@link SubjectsScored#REQUESTER} or {@link SubjectsScored#PARTY}
   * @param dataVersion the version of the snapshot the records were read from
   * @param sent the bytes about to be sent to the coordinator
   */
  static void scored(ScoringContext context, VerticalModelPiece piece, String role, String requester,
      Instant consentAt, Collection<String> subjectIds, DataVersion dataVersion, byte[] sent) {
    context.stores.audit().subjectsScored(new SubjectsScored(piece.purpose(), piece.jobId(), piece.version(), role,
        requester, consentAt, RoundContribution.subjectSet(context.stores.pseudonyms(), subjectIds), sha256(sent),
        dataVersion.sha256()));
    context.countersignHead();
  }

  /**
   * Records the outcome of an answer audited by {@link #scored} before it left: if the coordinator did
   * not accept it, {@code ANSWER_REFUSED {job, round, reason, sentSha256}} (the scoring entry stands: the
   * answer left and may have been read), then has the head countersigned.
   */
  static void answered(ScoringContext context, String jobId, int round, boolean accepted, byte[] sent) {
    if (!accepted) {
      refused(context, jobId, round, "refused by the coordinator (scoring answer)", sent);
    }
  }

  /**
   * Records that a message audited by {@link #scored} before it left was not accepted:
   * {@code ANSWER_REFUSED {job, round, reason, sentSha256}}, then has the head countersigned.
   *
   * @param reason why, naming no subject
   */
  static void refused(ScoringContext context, String jobId, int round, String reason, byte[] sent) {
    context.stores.audit().answerRefused(jobId, round, reason, HexFormat.of().formatHex(sha256(sent)));
    context.countersignHead();
  }

  static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is unavailable", e);
    }
  }
}
