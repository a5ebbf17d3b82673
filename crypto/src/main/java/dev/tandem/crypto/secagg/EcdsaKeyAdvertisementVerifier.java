package dev.tandem.crypto.secagg;

import dev.tandem.crypto.ecdsa.EcdsaVerifier;
import java.security.PublicKey;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Verifies key advertisements against each site's EC P-256 public key, using SHA256withECDSA.
 *
 * <p>The key of a site comes from a lookup (typically: the site's certificate, once it has been
 * checked to chain to the federation CA). Thread-safe if the lookup is.
 */
public final class EcdsaKeyAdvertisementVerifier implements KeyAdvertisementVerifier {
  private final Function<String, Optional<PublicKey>> keyLookup;

  /** Creates a verifier that finds a site's public key with {@code keyLookup} (empty: unknown site). */
  public EcdsaKeyAdvertisementVerifier(Function<String, Optional<PublicKey>> keyLookup) {
    this.keyLookup = Objects.requireNonNull(keyLookup, "keyLookup");
  }

  /**
   * Creates a verifier over a fixed map from site id to public key.
   *
   * @throws IllegalArgumentException unless every key is an EC key on P-256
   */
  public static EcdsaKeyAdvertisementVerifier of(Map<String, PublicKey> keys) {
    Map<String, PublicKey> copy = Map.copyOf(keys);
    copy.forEach((site, key) -> EcdsaKeys.requireP256(key, "key of " + site));
    return new EcdsaKeyAdvertisementVerifier(site -> Optional.ofNullable(copy.get(site)));
  }

  /** Returns false for an unknown site, a key that is not EC P-256, or an invalid or malformed signature. */
  @Override
  public boolean verify(String siteId, byte[] message, byte[] signature) {
    if (siteId == null || message == null || signature == null) {
      return false;
    }
    Optional<PublicKey> key = keyLookup.apply(siteId);
    if (key == null || key.isEmpty()) {
      return false;
    }
    try {
      EcdsaKeys.requireP256(key.get(), "key of " + siteId);
    } catch (IllegalArgumentException e) {
      return false;
    }
    return EcdsaVerifier.verify(key.get(), message, signature);
  }

  @Override
  public String toString() {
    return "EcdsaKeyAdvertisementVerifier";
  }
}
