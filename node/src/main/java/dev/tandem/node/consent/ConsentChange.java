package dev.tandem.node.consent;

import java.time.Instant;
import java.util.Objects;

/**
 * A consent decision as the audit log sees it: the subject only by pseudonym, no evidence
 * reference (it may name the person).
 *
 * @param pseudonym the subject's pseudonym ({@link Pseudonyms#of}), 64 lower-case hex characters
 * @param purpose the purpose
 * @param state granted or revoked
 * @param since when it takes effect
 * @param policyVersion the policy version, or null
 */
public record ConsentChange(String pseudonym, String purpose, ConsentState state, Instant since,
    String policyVersion) {
  /** @throws IllegalArgumentException naming the bad field */
  public ConsentChange {
    Pseudonyms.checkPseudonym(pseudonym);
    Purposes.check(purpose);
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(since, "since");
  }
}
