package dev.tandem.coordinator.vertical;

import java.util.Objects;

/**
 * A party's seal key for one job or scoring request, signed with its site key; the coordinator
 * hands it to the other parties, which verify it.
 *
 * @param site the party's site id
 * @param publicKey the raw X25519 public key, 32 bytes
 * @param signature the site's signature over the key (checked by the parties)
 * @param certificate the site's certificate, DER
 * @throws IllegalArgumentException if the site is blank, the key is not 32 bytes, or the signature or
 *     certificate is missing
 */
public record SealKey(String site, byte[] publicKey, byte[] signature, byte[] certificate) {
  /** Length of an X25519 public key. */
  public static final int KEY_LENGTH = 32;

  public SealKey {
    if (site == null || site.isBlank()) {
      throw new IllegalArgumentException("a seal key must name its site");
    }
    Objects.requireNonNull(publicKey, "publicKey");
    Objects.requireNonNull(signature, "signature");
    Objects.requireNonNull(certificate, "certificate");
    if (publicKey.length != KEY_LENGTH) {
      throw new IllegalArgumentException("the seal key of site '" + site + "' must be " + KEY_LENGTH
          + " bytes (X25519), got " + publicKey.length);
    }
    if (signature.length == 0 || certificate.length == 0) {
      throw new IllegalArgumentException("the seal key of site '" + site + "' must carry its signature and the "
          + "site's certificate");
    }
    publicKey = publicKey.clone();
    signature = signature.clone();
    certificate = certificate.clone();
  }

  @Override
  public byte[] publicKey() {
    return publicKey.clone();
  }

  @Override
  public byte[] signature() {
    return signature.clone();
  }

  @Override
  public byte[] certificate() {
    return certificate.clone();
  }
}
