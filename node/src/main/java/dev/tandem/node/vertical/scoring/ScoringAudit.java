package dev.tandem.node.vertical.scoring;

import dev.tandem.crypto.merkle.MerkleSet;
import dev.tandem.node.audit.AuditEntryType;
import dev.tandem.node.audit.AuditLog;
import dev.tandem.node.audit.RoundContribution;
import dev.tandem.node.consent.Pseudonyms;
import dev.tandem.node.vertical.VerticalModelPiece;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes a scoring into the audit log as a use of the records: {@code SUBJECTS_SCORED} with the
 * purpose, job, model version, role, requester, consent instant, number of records and the Merkle root
 * over their pseudonyms (the subject set of docs/AUDIT_FORMAT.md, section 6), and the SHA-256 of what
 * was sent. Subject ids never reach the log.
 */
final class ScoringAudit {
  /** The node asked for the scores. */
  static final String REQUESTER = "requester";
  /** The node sent partial scores to another party. */
  static final String PARTY = "party";

  private ScoringAudit() {}

  /**
   * Appends the entry for the records of {@code subjectIds} used with {@code piece}.
   *
   * @param sent the bytes sent to the coordinator
   */
  static void scored(AuditLog audit, Pseudonyms pseudonyms, VerticalModelPiece piece, String role, String requester,
      Instant consentAt, Collection<String> subjectIds, byte[] sent) {
    MerkleSet subjects = RoundContribution.subjectSet(pseudonyms, subjectIds);
    HexFormat hex = HexFormat.of();
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("purpose", piece.purpose());
    p.put("job", piece.jobId());
    p.put("modelVersion", piece.version());
    p.put("role", role);
    p.put("requester", requester);
    p.put("consentAt", consentAt.toString());
    p.put("records", subjectIds.size());
    p.put("merkleRoot", hex.formatHex(subjects.root()));
    p.put("leafCount", subjects.size());
    p.put("sentSha256", hex.formatHex(sha256(sent)));
    audit.append(AuditEntryType.SUBJECTS_SCORED, p);
  }

  static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is unavailable", e);
    }
  }
}
