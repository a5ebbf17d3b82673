package dev.tandem.node.audit;

import dev.tandem.crypto.merkle.MerkleSet;
import dev.tandem.node.consent.Purposes;
import dev.tandem.node.consent.Pseudonyms;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * What the node contributed to one training round, as {@link AuditLog#roundContributed} records it.
 *
 * @param purpose the job's purpose
 * @param jobId the job
 * @param round the round number (0 or more)
 * @param modelVersion the model version the round produces (e.g. {@code job/v3}), or null
 * @param consentAt the instant at which consent was evaluated for the round (its start)
 * @param recordCount how many records were used
 * @param subjects the pseudonyms of the subjects whose records were used ({@link #subjectSet})
 * @param epsilon the privacy loss spent in the round if differential privacy is on, or null
 * @param sentSha256 SHA-256 of the bytes sent to the coordinator (32 bytes; copied in and out)
 * @param dataVersion the version of the data snapshot the records were read from (64 lowercase hex
 *     digits, {@code dev.tandem.node.data.DataVersion}), or null when not known
 */
public record RoundContribution(String purpose, String jobId, int round, String modelVersion, Instant consentAt,
    long recordCount, MerkleSet subjects, Double epsilon, byte[] sentSha256, String dataVersion) {
  private static final java.util.regex.Pattern HEX64 = java.util.regex.Pattern.compile("[0-9a-f]{64}");

  /** @throws IllegalArgumentException naming the bad field */
  public RoundContribution {
    Purposes.check(purpose);
    if (jobId == null || jobId.isBlank() || jobId.length() > 128) {
      throw new IllegalArgumentException("jobId must be 1 to 128 characters, got '" + jobId + "'");
    }
    if (round < 0) {
      throw new IllegalArgumentException("round must not be negative, got " + round);
    }
    if (modelVersion != null && (modelVersion.isBlank() || modelVersion.length() > 256)) {
      throw new IllegalArgumentException("modelVersion must be null or 1 to 256 characters");
    }
    Objects.requireNonNull(consentAt, "consentAt");
    Objects.requireNonNull(subjects, "subjects");
    if (recordCount < 0) {
      throw new IllegalArgumentException("recordCount must not be negative, got " + recordCount);
    }
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

  /** A contribution whose data version is not known. */
  public RoundContribution(String purpose, String jobId, int round, String modelVersion, Instant consentAt,
      long recordCount, MerkleSet subjects, Double epsilon, byte[] sentSha256) {
    this(purpose, jobId, round, modelVersion, consentAt, recordCount, subjects, epsilon, sentSha256, null);
  }

  @Override
  public byte[] sentSha256() {
    return sentSha256.clone();
  }

  /** The set commitment over the pseudonyms of {@code subjectIds} (raw ids never leave this call). */
  public static MerkleSet subjectSet(Pseudonyms pseudonyms, Collection<String> subjectIds) {
    List<byte[]> items = new ArrayList<>(subjectIds.size());
    for (String id : subjectIds) {
      items.add(pseudonyms.bytes(id));
    }
    return MerkleSet.of(items);
  }
}
