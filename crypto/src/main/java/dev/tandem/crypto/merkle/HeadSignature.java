package dev.tandem.crypto.merkle;

import dev.tandem.crypto.ecdsa.EcdsaVerifier;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.util.Objects;

/**
 * The countersignature of a site's hash-chained log head: a SHA256withECDSA signature over
 * {@code "tandem-audit-head-v1" || u32(len(siteId)) || siteId (UTF-8) || u64(seq) || headHash},
 * integers big-endian. The coordinator signs the head a node reports; anyone with the
 * coordinator's certificate verifies it.
 *
 * <p>Thread-safe.
 */
public final class HeadSignature {
  /** The signature algorithm (for EC P-256 keys). */
  public static final String ALGORITHM = "SHA256withECDSA";

  private static final byte[] LABEL = "tandem-audit-head-v1".getBytes(StandardCharsets.US_ASCII);
  private static final SecureRandom RANDOM = new SecureRandom();

  private HeadSignature() {}

  /**
   * The signed bytes.
   *
   * @throws IllegalArgumentException if {@code siteId} is empty, {@code seq} is below 1 or the head
   *     hash is not 32 bytes
   */
  public static byte[] message(String siteId, long seq, byte[] headHash) {
    Objects.requireNonNull(siteId, "siteId");
    if (siteId.isEmpty()) {
      throw new IllegalArgumentException("siteId must not be empty");
    }
    if (seq < 1) {
      throw new IllegalArgumentException("seq must be at least 1, got " + seq);
    }
    MerkleHash.checkHash("headHash", headHash);
    byte[] site = siteId.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(LABEL.length + 4 + site.length + 8 + MerkleHash.LENGTH)
        .put(LABEL).putInt(site.length).put(site).putLong(seq).put(headHash).array();
  }

  /**
   * Signs a head.
   *
   * @throws IllegalArgumentException as {@link #message}, or if the key cannot sign ECDSA
   */
  public static byte[] sign(PrivateKey key, String siteId, long seq, byte[] headHash) {
    Objects.requireNonNull(key, "key");
    byte[] message = message(siteId, seq, headHash);
    try {
      Signature signer = Signature.getInstance(ALGORITHM);
      signer.initSign(key, RANDOM);
      signer.update(message);
      return signer.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot sign the log head with a " + key.getAlgorithm() + " key: "
          + e.getMessage(), e);
    }
  }

  /**
   * Whether {@code signature} is a valid signature of the head by {@code key}; false for a
   * malformed signature or a key of another algorithm.
   *
   * @throws IllegalArgumentException as {@link #message}
   */
  public static boolean verify(PublicKey key, String siteId, long seq, byte[] headHash, byte[] signature) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(signature, "signature");
    return EcdsaVerifier.verify(key, message(siteId, seq, headHash), signature);
  }
}
