/**
 * Consent-bound data use at a node.
 *
 * <p>{@link dev.tandem.node.consent.ConsentRegistry} keeps every subject's consent decisions per
 * purpose over time in the node's SQL database, selects the subjects a round may train on
 * ({@link dev.tandem.node.consent.ConsentRegistry#consentedSubjects}), imports the site's consent
 * CSV all or nothing, and erases subjects (a tombstone by pseudonym keeps them out).
 * {@link dev.tandem.node.consent.Pseudonyms} maps subject ids to HMAC pseudonyms under a per-node
 * secret. Every change is reported to a {@link dev.tandem.node.consent.ConsentJournal}, which the
 * audit log implements by writing the change's entry in the change's own transaction (one commit for
 * both).
 */
package dev.tandem.node.consent;
