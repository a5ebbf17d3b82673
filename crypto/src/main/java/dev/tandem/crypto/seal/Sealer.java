package dev.tandem.crypto.seal;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals payloads from one site to others so that a relay can route but neither read nor alter them.
 *
 * <p>Thread-safe if the {@link SecureRandom} is (the JDK's are).
 */
public final class Sealer {
  private final String siteId;
  private final SealKeyPair keys;
  private final SecureRandom random;

  /**
   * Creates a sealer for the sending site {@code siteId} holding {@code keys}.
   *
   * @throws IllegalArgumentException if the site id is empty or longer than 256 UTF-8 bytes
   */
  public Sealer(String siteId, SealKeyPair keys, SecureRandom random) {
    SealedMessage.checkId("siteId", siteId);
    this.siteId = siteId;
    this.keys = Objects.requireNonNull(keys, "keys");
    this.random = Objects.requireNonNull(random, "random");
  }

  /**
   * Seals {@code plaintext} for {@code recipient}, whose per-round key is {@code recipientKey}.
   *
   * @throws SealException if the recipient key is a low-order point
   * @throws IllegalArgumentException if an identifier is invalid or the plaintext is over 64 MiB
   */
  public SealedMessage seal(
      String recipient, SealPublicKey recipientKey, String roundId, String purpose, byte[] plaintext)
      throws SealException {
    SealedMessage.checkId("recipient", recipient);
    SealedMessage.checkId("roundId", roundId);
    SealedMessage.checkId("purpose", purpose);
    Objects.requireNonNull(recipientKey, "recipientKey");
    Objects.requireNonNull(plaintext, "plaintext");
    if (plaintext.length > SealedMessage.MAX_CIPHERTEXT - SealedMessage.TAG_LENGTH) {
      throw new IllegalArgumentException("plaintext of " + plaintext.length + " bytes is too long");
    }
    byte[] shared = keys.agree(recipientKey);
    byte[] key = SealContext.deriveKey(shared, siteId, recipient, roundId, keys.publicKey(), recipientKey);
    Arrays.fill(shared, (byte) 0);
    byte[] nonce = new byte[SealedMessage.NONCE_LENGTH];
    random.nextBytes(nonce);
    try {
      Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
      gcm.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"),
          new GCMParameterSpec(SealedMessage.TAG_LENGTH * 8, nonce));
      gcm.updateAAD(SealContext.associatedData(siteId, recipient, roundId, purpose));
      byte[] ciphertext = gcm.doFinal(plaintext);
      return new SealedMessage(siteId, recipient, roundId, purpose, nonce, ciphertext);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-256-GCM is unavailable in this JDK", e);
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }

  @Override
  public String toString() {
    return "Sealer[" + siteId + "]";
  }
}
