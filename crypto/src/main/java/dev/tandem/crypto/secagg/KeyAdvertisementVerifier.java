package dev.tandem.crypto.secagg;

/**
 * Checks that advertised keys were signed by the site they claim to come from.
 *
 * <p>Implementations must be thread-safe and return false rather than throw on an unknown site or
 * a malformed signature.
 */
@FunctionalInterface
public interface KeyAdvertisementVerifier {
  /** Returns whether {@code signature} is a valid signature of {@code message} by {@code siteId}. */
  boolean verify(String siteId, byte[] message, byte[] signature);
}
