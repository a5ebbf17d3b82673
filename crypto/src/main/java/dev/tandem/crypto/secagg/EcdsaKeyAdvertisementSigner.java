package dev.tandem.crypto.secagg;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.Objects;

/**
 * Signs key advertisements with a site's EC P-256 private key, using SHA256withECDSA (DER signature).
 *
 * <p>Thread-safe.
 */
public final class EcdsaKeyAdvertisementSigner implements KeyAdvertisementSigner {
  private final PrivateKey privateKey;

  /**
   * Creates a signer over {@code privateKey}.
   *
   * @throws IllegalArgumentException unless the key is an EC key on P-256
   */
  public EcdsaKeyAdvertisementSigner(PrivateKey privateKey) {
    Objects.requireNonNull(privateKey, "privateKey");
    EcdsaKeys.requireP256(privateKey, "privateKey");
    this.privateKey = privateKey;
  }

  @Override
  public byte[] sign(byte[] message) {
    Objects.requireNonNull(message, "message");
    try {
      Signature signature = Signature.getInstance(EcdsaKeys.ALGORITHM);
      signature.initSign(privateKey);
      signature.update(message);
      return signature.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA256withECDSA signing failed", e);
    }
  }

  @Override
  public String toString() {
    return "EcdsaKeyAdvertisementSigner";
  }
}
