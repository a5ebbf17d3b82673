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
 * The coordinator's signed record of the latest head it countersigned for a site, which an auditor
 * compares with a node's export so that a log cut, rewritten or emptied after that head is caught:
 * SHA256withECDSA over {@code "tandem-audit-latest-head-v1" || u32(len(siteId)) || siteId (UTF-8)
 * || u64(seq) || headHash || u64(countersignedAtMillis) || u64(issuedAtMillis)}, integers
 * big-endian; {@code seq} 0 with a zero hash and time 0 says that no head was countersigned.
 *
 * <p>Thread-safe.
 */
public final class LatestHeadSignature {
  private static final byte[] LABEL = "tandem-audit-latest-head-v1".getBytes(StandardCharsets.US_ASCII);
  private static final SecureRandom RANDOM = new SecureRandom();

  private LatestHeadSignature() {}

  /**
   * The signed bytes.
   *
   * @throws IllegalArgumentException if {@code siteId} is empty, {@code seq} is negative or the
   *     head hash is not 32 bytes
   */
  public static byte[] message(String siteId, long seq, byte[] headHash, long countersignedAtMillis,
      long issuedAtMillis) {
    Objects.requireNonNull(siteId, "siteId");
    if (siteId.isEmpty()) {
      throw new IllegalArgumentException("siteId must not be empty");
    }
    if (seq < 0) {
      throw new IllegalArgumentException("seq must not be negative, got " + seq);
    }
    MerkleHash.checkHash("headHash", headHash);
    byte[] site = siteId.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(LABEL.length + 4 + site.length + 8 + MerkleHash.LENGTH + 16)
        .put(LABEL).putInt(site.length).put(site).putLong(seq).put(headHash).putLong(countersignedAtMillis)
        .putLong(issuedAtMillis).array();
  }

  /**
   * Signs a record.
   *
   * @throws IllegalArgumentException as {@link #message}, or if the key cannot sign ECDSA
   */
  public static byte[] sign(PrivateKey key, String siteId, long seq, byte[] headHash, long countersignedAtMillis,
      long issuedAtMillis) {
    Objects.requireNonNull(key, "key");
    byte[] message = message(siteId, seq, headHash, countersignedAtMillis, issuedAtMillis);
    try {
      Signature signer = Signature.getInstance(HeadSignature.ALGORITHM);
      signer.initSign(key, RANDOM);
      signer.update(message);
      return signer.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot sign the head record with a " + key.getAlgorithm() + " key: "
          + e.getMessage(), e);
    }
  }

  /**
   * Whether {@code signature} is a valid signature of the record by {@code key}; false for a
   * malformed signature or a key of another algorithm.
   *
   * @throws IllegalArgumentException as {@link #message}
   */
  public static boolean verify(PublicKey key, String siteId, long seq, byte[] headHash, long countersignedAtMillis,
      long issuedAtMillis, byte[] signature) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(signature, "signature");
    return EcdsaVerifier.verify(key, message(siteId, seq, headHash, countersignedAtMillis, issuedAtMillis),
        signature);
  }
}
