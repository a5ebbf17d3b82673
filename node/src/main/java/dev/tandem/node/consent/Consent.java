package dev.tandem.node.consent;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * One consent decision of a subject for a purpose, in force from {@code since} until a later
 * decision for the same subject and purpose.
 *
 * @param subjectId the subject's id in the site's systems: 1 to 256 characters of well-formed
 *     Unicode (no lone surrogate), no control characters, no leading or trailing blank
 * @param purpose a name accepted by {@link Purposes#check}
 * @param state granted or revoked
 * @param since when the decision takes effect; kept to the microsecond (finer digits are dropped)
 * @param evidence where the consent was collected (e.g. a form or record id), or null; at most
 *     1024 characters without control characters
 * @param policyVersion the version of the privacy policy consented to, or null; at most 64
 *     characters without control characters
 */
public record Consent(String subjectId, String purpose, ConsentState state, Instant since, String evidence,
    String policyVersion) {
  /** Longest subject id, in characters. */
  public static final int MAX_SUBJECT_ID = 256;
  /** Longest evidence reference, in characters. */
  public static final int MAX_EVIDENCE = 1024;
  /** Longest policy version, in characters. */
  public static final int MAX_POLICY_VERSION = 64;

  /** @throws IllegalArgumentException naming the bad field */
  public Consent {
    checkSubjectId(subjectId);
    Purposes.check(purpose);
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(since, "since");
    since = since.truncatedTo(ChronoUnit.MICROS);
    evidence = optional("evidence", evidence, MAX_EVIDENCE);
    policyVersion = optional("policy version", policyVersion, MAX_POLICY_VERSION);
  }

  /** Whether this decision lets the subject's data be used. */
  public boolean granted() {
    return state == ConsentState.GRANTED;
  }

  /**
   * Checks a subject id.
   *
   * @return the id
   * @throws IllegalArgumentException describing the problem (without repeating a long id)
   */
  public static String checkSubjectId(String subjectId) {
    if (subjectId == null || subjectId.isEmpty()) {
      throw new IllegalArgumentException("subject id must not be empty");
    }
    if (subjectId.length() > MAX_SUBJECT_ID) {
      throw new IllegalArgumentException("subject id is " + subjectId.length() + " characters long, at most "
          + MAX_SUBJECT_ID);
    }
    if (!subjectId.equals(subjectId.strip())) {
      throw new IllegalArgumentException("subject id '" + subjectId + "' has a leading or trailing blank");
    }
    if (hasControl(subjectId)) {
      throw new IllegalArgumentException("subject id holds a control character");
    }
    int lone = loneSurrogate(subjectId);
    if (lone >= 0) {
      throw new IllegalArgumentException(String.format("subject id is not well-formed Unicode: a lone surrogate"
          + " U+%04X at character %d (its UTF-8 form would be '?', the same as another id's)",
          (int) subjectId.charAt(lone), lone + 1));
    }
    return subjectId;
  }

  /**
   * The index of the first unpaired surrogate in {@code s}, or -1 if {@code s} is well-formed
   * UTF-16 (then its UTF-8 encoding is exact and distinct strings have distinct bytes).
   */
  public static int loneSurrogate(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
          continue;
        }
        return i;
      }
      if (Character.isLowSurrogate(c)) {
        return i;
      }
    }
    return -1;
  }

  private static String optional(String name, String value, int max) {
    if (value == null || value.isBlank()) {
      return null;
    }
    String v = value.strip();
    if (v.length() > max) {
      throw new IllegalArgumentException(name + " is " + v.length() + " characters long, at most " + max);
    }
    if (hasControl(v)) {
      throw new IllegalArgumentException(name + " holds a control character");
    }
    return v;
  }

  private static boolean hasControl(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.isISOControl(s.charAt(i))) {
        return true;
      }
    }
    return false;
  }
}
