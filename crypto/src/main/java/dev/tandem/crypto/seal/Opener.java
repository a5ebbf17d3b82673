package dev.tandem.crypto.seal;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Opens payloads sealed for one site by a {@link Sealer}, checking that they are addressed to it,
 * belong to the expected round and purpose, and were not altered.
 *
 * <p>Immutable and thread-safe.
 */
public final class Opener {
  private final String siteId;
  private final SealKeyPair keys;

  /**
   * Creates an opener for the receiving site {@code siteId} holding {@code keys}.
   *
   * @throws IllegalArgumentException if the site id is empty or longer than 256 UTF-8 bytes
   */
  public Opener(String siteId, SealKeyPair keys) {
    SealedMessage.checkId("siteId", siteId);
    this.siteId = siteId;
    this.keys = Objects.requireNonNull(keys, "keys");
  }

  /**
   * Opens {@code message}, which its sender sealed with the key pair whose public half is
   * {@code senderKey}.
   *
   * @throws SealException if the message is addressed to another site, belongs to another round or
   *     purpose, or fails authentication (tampered header, nonce or ciphertext, or wrong keys)
   */
  public byte[] open(SealedMessage message, SealPublicKey senderKey, String roundId, String purpose)
      throws SealException {
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(senderKey, "senderKey");
    if (!message.recipient().equals(siteId)) {
      throw new SealException("sealed message is addressed to " + message.recipient() + ", not " + siteId);
    }
    if (!message.roundId().equals(roundId)) {
      throw new SealException("sealed message belongs to round " + message.roundId() + ", not " + roundId);
    }
    if (!message.purpose().equals(purpose)) {
      throw new SealException("sealed message has purpose " + message.purpose() + ", not " + purpose);
    }
    byte[] shared = keys.agree(senderKey);
    byte[] key = SealContext.deriveKey(
        shared, message.sender(), siteId, roundId, senderKey, keys.publicKey());
    Arrays.fill(shared, (byte) 0);
    try {
      Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
      gcm.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"),
          new GCMParameterSpec(SealedMessage.TAG_LENGTH * 8, message.nonce()));
      gcm.updateAAD(SealContext.associatedData(message.sender(), siteId, roundId, purpose));
      return gcm.doFinal(message.ciphertext());
    } catch (AEADBadTagException e) {
      throw new SealException(
          "sealed message from " + message.sender() + " to " + siteId + " failed authentication", e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-256-GCM is unavailable in this JDK", e);
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }

  @Override
  public String toString() {
    return "Opener[" + siteId + "]";
  }
}
