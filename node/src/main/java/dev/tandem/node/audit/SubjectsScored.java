package dev.tandem.node.audit;

import dev.tandem.crypto.merkle.MerkleSet;
import dev.tandem.node.consent.Purposes;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * One use of records for scoring with a vertical model piece, as {@link AuditLog#subjectsScored}
 * records it.
 *
 * @param purpose the model's purpose
 * @param jobId the job that trained the model
 * @param modelVersion the model version scored with
 * @param role {@link #REQUESTER} (this node asked for the scores) or {@link #PARTY} (it sent partial scores)
 * @param requester the site that asked for the scores
 * @param consentAt the instant at which consent was evaluated
 * @param subjects the pseudonyms of the subjects whose records were used ({@link RoundContribution#subjectSet})
 * @param sentSha256 SHA-256 of the bytes sent to the coordinator (32 bytes; copied in and out)
 * @param dataVersion the version of the data snapshot the records were read from (64 lowercase hex
 *     digits), or null (entries written before data versions were recorded)
 */
public record SubjectsScored(String purpose, String jobId, String modelVersion, String role, String requester,
    Instant consentAt, MerkleSet subjects, byte[] sentSha256, String dataVersion) {
  /** The node asked for the scores. */
  public static final String REQUESTER = "requester";
  /** The node sent partial scores to another party. */
  public static final String PARTY = "party";
  private static final Set<String> ROLES = Set.of(REQUESTER, PARTY);

  /** @throws IllegalArgumentException naming the bad field */
  public SubjectsScored {
    Purposes.check(purpose);
    requireText("jobId", jobId, 128);
    requireText("modelVersion", modelVersion, 256);
    if (!ROLES.contains(role)) {
      throw new IllegalArgumentException("role must be '" + REQUESTER + "' or '" + PARTY + "', got '" + role + "'");
    }
    requireText("requester", requester, 128);
    Objects.requireNonNull(consentAt, "consentAt");
    Objects.requireNonNull(subjects, "subjects");
    if (sentSha256 == null || sentSha256.length != 32) {
      throw new IllegalArgumentException("sentSha256 must be 32 bytes");
    }
    sentSha256 = sentSha256.clone();
    if (dataVersion != null && !dataVersion.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("dataVersion must be null or 64 lowercase hex digits");
    }
  }

  /** A scoring whose data version is not recorded. */
  public SubjectsScored(String purpose, String jobId, String modelVersion, String role, String requester,
      Instant consentAt, MerkleSet subjects, byte[] sentSha256) {
    this(purpose, jobId, modelVersion, role, requester, consentAt, subjects, sentSha256, null);
  }

  private static void requireText(String field, String value, int max) {
    if (value == null || value.isBlank() || value.length() > max) {
      throw new IllegalArgumentException(field + " must be 1 to " + max + " characters, got '" + value + "'");
    }
  }

  @Override
  public byte[] sentSha256() {
    return sentSha256.clone();
  }
}
