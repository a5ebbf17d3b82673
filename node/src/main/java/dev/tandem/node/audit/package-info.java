/**
 * The node's verifiable consent audit.
 *
 * <p>{@link dev.tandem.node.audit.AuditLog} is an append-only, hash-chained log signed with the
 * node's certificate key, whose head the coordinator countersigns
 * ({@link dev.tandem.node.audit.HeadCountersigner}); each contributed round commits to the
 * pseudonyms it used with a Merkle root. {@link dev.tandem.node.audit.AuditExport} writes it as one
 * file, {@link dev.tandem.node.audit.AuditVerifier} checks such a file offline, and
 * {@link dev.tandem.node.audit.SubjectAccess} proves to a subject in which rounds their data was
 * used or not. The file formats are specified in AUDIT_FORMAT.md next to this file.
 */
package dev.tandem.node.audit;
