package dev.tandem.node.audit;

import dev.tandem.crypto.merkle.MerkleSet;
import dev.tandem.node.consent.Purposes;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * One use of records for a job's statistics or evaluation, as {@link AuditLog#recordsUsed} records
 * it before the answer leaves (training rounds are {@link RoundContribution}s, scorings
 * {@link SubjectsScored}).
 *
 * @param purpose the job's purpose
 * @param jobId the job
 * @param round the round of the task answered (0 or more)
 * @param use {@link #STATISTICS} (the feature moments) or {@link #EVALUATION} (a model's metrics on
 *     the held-out records)
 * @param consentAt the instant at which consent was evaluated for the task
 * @param subjects the pseudonyms of the subjects whose records were used ({@link RoundContribution#subjectSet})
 * @param epsilon the privacy loss of the release if differential privacy is on, or null
 * @param sentSha256 SHA-256 of the bytes sent to the coordinator (32 bytes; copied in and out)
 */
public record RecordsUsed(String purpose, String jobId, int round, String use, Instant consentAt, MerkleSet subjects,
    Double epsilon, byte[] sentSha256) {
  /** The feature moments of a job's statistics phase. */
  public static final String STATISTICS = "statistics";
  /** A model's metrics on the held-out records. */
  public static final String EVALUATION = "evaluation";
  private static final Set<String> USES = Set.of(STATISTICS, EVALUATION);

  /** @throws IllegalArgumentException naming the bad field */
  public RecordsUsed {
    Purposes.check(purpose);
    if (jobId == null || jobId.isBlank() || jobId.length() > 128) {
      throw new IllegalArgumentException("jobId must be 1 to 128 characters, got '" + jobId + "'");
    }
    if (round < 0) {
      throw new IllegalArgumentException("round must not be negative, got " + round);
    }
    if (!USES.contains(use)) {
      throw new IllegalArgumentException("use must be '" + STATISTICS + "' or '" + EVALUATION + "', got '" + use + "'");
    }
    Objects.requireNonNull(consentAt, "consentAt");
    Objects.requireNonNull(subjects, "subjects");
    if (epsilon != null && (!Double.isFinite(epsilon) || epsilon < 0)) {
      throw new IllegalArgumentException("epsilon must be null or finite and non-negative, got " + epsilon);
    }
    if (sentSha256 == null || sentSha256.length != 32) {
      throw new IllegalArgumentException("sentSha256 must be 32 bytes");
    }
    sentSha256 = sentSha256.clone();
  }

  @Override
  public byte[] sentSha256() {
    return sentSha256.clone();
  }
}
