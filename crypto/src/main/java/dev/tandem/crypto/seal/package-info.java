/**
 * Authenticated sealing of site-to-site payloads that the coordinator relays but must not read.
 *
 * <p>A {@link dev.tandem.crypto.seal.Sealer} at the sending site and an
 * {@link dev.tandem.crypto.seal.Opener} at the receiving site share a key derived from X25519
 * between their per-round {@link dev.tandem.crypto.seal.SealKeyPair}s, expanded by HKDF-SHA256
 * with both site ids, the round id and both public keys as context; the payload travels under
 * AES-256-GCM with a random 96-bit nonce and with (sender, recipient, round, purpose) as
 * additional authenticated data.
 */
package dev.tandem.crypto.seal;
