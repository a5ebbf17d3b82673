/**
 * Merkle commitments for the consent audit.
 *
 * <p>{@link dev.tandem.crypto.merkle.MerkleTree} is the RFC 6962 / RFC 9162 tree over SHA-256
 * (0x00 leaf prefix, 0x01 node prefix) with RFC 9162 inclusion proofs.
 * {@link dev.tandem.crypto.merkle.MerkleSet} commits to a set (sorted, distinct leaf hashes) and
 * proves that an item is in it or absent from it. {@link dev.tandem.crypto.merkle.HeadSignature}
 * signs and checks the head of a hash-chained log, as the coordinator countersigns a node's audit
 * log.
 */
package dev.tandem.crypto.merkle;
