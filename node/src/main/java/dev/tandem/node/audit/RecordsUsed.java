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
 * @param dataVersion the version of the data snapshot the records were read from (64 lowercase hex
 *     digits), or null (entries written before data versions were recorded)
 */
public record RecordsUsed(String purpose, String jobId, int round, String use, Instant consentAt, MerkleSet subjects,
    Double epsilon, byte[] sentSha256, String dataVersion) {
  /** The feature moments of a job's statistics phase. */
  public static final String STATISTICS = "statistics";
  /** A model's metrics on the held-out records (horizontal), or a vertical model's evaluation stages. */
  public static final String EVALUATION = "evaluation";
  /** A vertical job's private set intersection: the blinded ids of the consented subjects. */
  public static final String ALIGNMENT = "alignment";
  /** A vertical job's SSHE_SETUP: the aligned rows' features, encrypted under the party's own key. */
  public static final String TRAINING_SETUP = "training-setup";
  private static final Set<String> USES = Set.of(STATISTICS, EVALUATION, ALIGNMENT, TRAINING_SETUP);
  private static final java.util.regex.Pattern HEX64 = java.util.regex.Pattern.compile("[0-9a-f]{64}");

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
      throw new IllegalArgumentException("use must be one of " + new java.util.TreeSet<>(USES) + ", got '" + use + "'");
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
    if (dataVersion != null && !HEX64.matcher(dataVersion).matches()) {
      throw new IllegalArgumentException("dataVersion must be null or 64 lowercase hex digits");
    }
  }

  /** A use whose data version is not recorded. */
  public RecordsUsed(String purpose, String jobId, int round, String use, Instant consentAt, MerkleSet subjects,
      Double epsilon, byte[] sentSha256) {
    this(purpose, jobId, round, use, consentAt, subjects, epsilon, sentSha256, null);
  }

  @Override
  public byte[] sentSha256() {
    return sentSha256.clone();
  }
}
