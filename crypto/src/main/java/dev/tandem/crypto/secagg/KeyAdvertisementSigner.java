package dev.tandem.crypto.secagg;

/**
 * Signs the keys a site advertises for a secure aggregation round, with the site's long-term
 * identity key.
 *
 * <p>Implementations must be thread-safe.
 */
@FunctionalInterface
public interface KeyAdvertisementSigner {
  /** Returns the signature of {@code message}. */
  byte[] sign(byte[] message);
}
