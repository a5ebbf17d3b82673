package dev.tandem.node.audit;

import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of {@link AuditVerifier}: valid, or the first bad entry and why.
 *
 * @param site the site the export claims (empty string if unreadable)
 * @param entries how many entries the export holds
 * @param countersignedThrough the highest seq whose head a valid coordinator countersignature
 *     matches (0 if none): a cut of the log after this seq would not be detectable from the file
 * @param proofsChecked subject-access proofs checked (0 when only the log was verified)
 * @param failure the first problem, if any
 */
public record AuditVerification(String site, long entries, long countersignedThrough, int proofsChecked,
    Optional<Failure> failure) {
  public AuditVerification {
    Objects.requireNonNull(site, "site");
    Objects.requireNonNull(failure, "failure");
  }

  /** What is wrong with an entry. */
  public enum Problem {
    /** The file, an entry or a field cannot be read as the format says. */
    MALFORMED,
    /** An entry's content does not match its hash, its chain link or a countersigned head. */
    CHANGED,
    /** An entry is missing from the sequence. */
    REMOVED,
    /** A second entry carries a sequence number already used. */
    INSERTED,
    /** Entries appear out of sequence order. */
    REORDERED,
    /** The export ends before a head the coordinator countersigned: its tail was cut. */
    TRUNCATED,
    /** An entry's signature does not verify with its node certificate (forged, or inserted). */
    BAD_SIGNATURE,
    /** The signing certificate is not a node certificate of this site issued by the federation CA. */
    UNTRUSTED_CERTIFICATE,
    /** A countersignature is not a valid coordinator signature of this site's head. */
    BAD_COUNTERSIGNATURE,
    /** A subject-access proof does not hold against the signed round entries. */
    BAD_PROOF,
    /**
     * Entries that no coordinator countersignature covers (or an empty log): a cut or rewrite of
     * them would not show; refused unless the verifier is told to allow it.
     */
    UNCOUNTERSIGNED
  }

  /**
   * The first bad entry.
   *
   * @param seq the sequence number of the first bad entry (0 for the file as a whole)
   * @param problem the kind of problem
   * @param reason one sentence for a person
   */
  public record Failure(long seq, Problem problem, String reason) {
    public Failure {
      Objects.requireNonNull(problem, "problem");
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String toString() {
      return (seq == 0 ? "the file" : "entry " + seq) + ": " + problem + ": " + reason;
    }
  }

  /** Whether no problem was found. */
  public boolean valid() {
    return failure.isEmpty();
  }

  /** One line for a person. */
  public String describe() {
    if (failure.isPresent()) {
      return "INVALID: " + failure.get();
    }
    String tail = entries > countersignedThrough
        ? "; entries " + (countersignedThrough + 1) + ".." + entries
            + " are not yet countersigned (a cut there would not show)"
        : "";
    return "valid: site '" + site + "', " + entries + " entries, countersigned through entry " + countersignedThrough
        + tail + (proofsChecked > 0 ? "; " + proofsChecked + " subject-access proofs hold" : "");
  }
}
