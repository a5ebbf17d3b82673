package dev.tandem.crypto.secagg;

import dev.tandem.crypto.seal.SealPublicKey;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Round 0 (AdvertiseKeys): the two per-round public keys of a site, signed with its identity key.
 *
 * <p>Arrays are copied in and out. Wire format after the common header (type 1): roundId,
 * siteId, sealKey (32 bytes), maskKey (32 bytes), signature (1 to 512 bytes).
 *
 * @param roundId the round
 * @param siteId the advertising site
 * @param sealKey c_pk, the X25519 key other sites seal their key shares to
 * @param maskKey s_pk, the X25519 key pairwise mask seeds are agreed with
 * @param signature the site's signature of {@link #signedPayload()}
 */
public record AdvertiseKeys(String roundId, String siteId, byte[] sealKey, byte[] maskKey, byte[] signature) {
  static final int MAX_SIGNATURE = 512;
  private static final byte[] LABEL = "tandem/secagg/advertise-keys/v1".getBytes(StandardCharsets.US_ASCII);

  /**
   * Validates and copies the fields.
   *
   * @throws IllegalArgumentException if an id is invalid, a key is not 32 bytes or the signature
   *     is empty or over 512 bytes
   */
  public AdvertiseKeys {
    Wire.checkId("roundId", roundId);
    Wire.checkId("siteId", siteId);
    sealKey = checkKey("sealKey", sealKey);
    maskKey = checkKey("maskKey", maskKey);
    Objects.requireNonNull(signature, "signature");
    if (signature.length == 0 || signature.length > MAX_SIGNATURE) {
      throw new IllegalArgumentException("signature must be 1.." + MAX_SIGNATURE + " bytes, got " + signature.length);
    }
    signature = signature.clone();
  }

  /** Returns a copy of c_pk. */
  @Override
  public byte[] sealKey() {
    return sealKey.clone();
  }

  /** Returns a copy of s_pk. */
  @Override
  public byte[] maskKey() {
    return maskKey.clone();
  }

  /** Returns a copy of the signature. */
  @Override
  public byte[] signature() {
    return signature.clone();
  }

  /** Returns c_pk as a sealing key. */
  public SealPublicKey sealPublicKey() {
    return new SealPublicKey(sealKey);
  }

  /**
   * Returns the bytes the signature covers: a label, roundId, siteId, c_pk and s_pk, each
   * length-prefixed.
   */
  public byte[] signedPayload() {
    return signedPayload(roundId, siteId, sealKey, maskKey);
  }

  static byte[] signedPayload(String roundId, String siteId, byte[] sealKey, byte[] maskKey) {
    return MaskingKeys.lengthPrefixed(LABEL, roundId.getBytes(StandardCharsets.UTF_8),
        siteId.getBytes(StandardCharsets.UTF_8), sealKey, maskKey);
  }

  /** Encodes the message in the wire format described on the type. */
  public byte[] toBytes() {
    return new Wire.Writer(Wire.ADVERTISE_KEYS, 128 + signature.length)
        .string(roundId).string(siteId).bytes(sealKey).bytes(maskKey).bytes(signature).toByteArray();
  }

  /**
   * Decodes a message written by {@link #toBytes()}.
   *
   * @throws SecAggException with reason MALFORMED naming the offending field
   */
  public static AdvertiseKeys fromBytes(byte[] bytes) {
    Wire.Reader in = new Wire.Reader(bytes, Wire.ADVERTISE_KEYS, "AdvertiseKeys");
    String roundId = in.id("roundId");
    String siteId = in.id("siteId");
    byte[] sealKey = in.bytes("sealKey", MaskingKeys.KEY_LENGTH, MaskingKeys.KEY_LENGTH);
    byte[] maskKey = in.bytes("maskKey", MaskingKeys.KEY_LENGTH, MaskingKeys.KEY_LENGTH);
    byte[] signature = in.bytes("signature", 1, MAX_SIGNATURE);
    in.end();
    try {
      return new AdvertiseKeys(roundId, siteId, sealKey, maskKey, signature);
    } catch (IllegalArgumentException e) {
      throw in.malformed(e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AdvertiseKeys a
        && roundId.equals(a.roundId)
        && siteId.equals(a.siteId)
        && Arrays.equals(sealKey, a.sealKey)
        && Arrays.equals(maskKey, a.maskKey)
        && Arrays.equals(signature, a.signature);
  }

  @Override
  public int hashCode() {
    return Objects.hash(roundId, siteId, Arrays.hashCode(sealKey), Arrays.hashCode(maskKey), Arrays.hashCode(signature));
  }

  @Override
  public String toString() {
    HexFormat hex = HexFormat.of();
    return "AdvertiseKeys[round=" + roundId + ", site=" + siteId + ", sealKey=" + hex.formatHex(sealKey)
        + ", maskKey=" + hex.formatHex(maskKey) + "]";
  }

  private static byte[] checkKey(String name, byte[] key) {
    Objects.requireNonNull(key, name);
    if (key.length != MaskingKeys.KEY_LENGTH) {
      throw new IllegalArgumentException(name + " must be " + MaskingKeys.KEY_LENGTH + " bytes, got " + key.length);
    }
    return key.clone();
  }
}
