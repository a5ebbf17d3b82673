package dev.tandem.crypto.secagg;

import dev.tandem.crypto.seal.SealPublicKey;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Round 0 (AdvertiseKeys): a site's per-round public keys and its commitments to the secrets it will
 * share, signed with its identity key.
 *
 * <p>A site advertises one sealing key per other participant: the key that participant's shares are
 * sealed to, so that revealing its private half (in a {@link ShareComplaint}) opens only the shares
 * between those two sites. It commits to its self-mask seed b and to every single share it will deal
 * (of s_sk and of b, for every participant), so that a share that does not match can be blamed on
 * whoever presented it and no reconstruction goes unchecked ({@link Commitments}).
 *
 * <p>Arrays and maps are copied in and out. Wire format after the common header (type 1): roundId,
 * siteId, maskKey (32 bytes), selfMaskCommitment (32 bytes), sealKeys and shareCommitments (each an
 * int count and (site id, bytes) pairs in ascending site order; 32 and 64 bytes), signature (1 to
 * 512 bytes).
 *
 * @param roundId the round
 * @param siteId the advertising site
 * @param maskKey s_pk, the X25519 key pairwise mask seeds are agreed with
 * @param selfMaskCommitment the commitment to b
 * @param sealKeys for each other participant, the X25519 key its shares to this site are sealed to
 * @param shareCommitments for each participant (this site included), the commitments to its share
 *     of s_sk and to its share of b, concatenated
 * @param signature the site's signature of {@link #signedPayload()}
 */
public record AdvertiseKeys(String roundId, String siteId, byte[] maskKey, byte[] selfMaskCommitment,
    Map<String, byte[]> sealKeys, Map<String, byte[]> shareCommitments, byte[] signature) {
  static final int MAX_SIGNATURE = 512;
  private static final byte[] LABEL = "tandem/secagg/advertise-keys/v2".getBytes(StandardCharsets.US_ASCII);

  /**
   * Validates and copies the fields.
   *
   * @throws IllegalArgumentException if an id is invalid, a key or commitment has the wrong
   *     length, the site lists a sealing key for itself, or the signature is empty or over 512 bytes
   */
  public AdvertiseKeys {
    Wire.checkId("roundId", roundId);
    Wire.checkId("siteId", siteId);
    maskKey = checkKey("maskKey", maskKey);
    selfMaskCommitment = checkLength("selfMaskCommitment", selfMaskCommitment, Commitments.LENGTH);
    sealKeys = Wire.copyFixed("sealKeys", sealKeys, MaskingKeys.KEY_LENGTH);
    shareCommitments = Wire.copyFixed("shareCommitments", shareCommitments, 2 * Commitments.LENGTH);
    if (sealKeys.containsKey(siteId)) {
      throw new IllegalArgumentException(siteId + " lists a sealing key for shares from itself");
    }
    Objects.requireNonNull(signature, "signature");
    if (signature.length == 0 || signature.length > MAX_SIGNATURE) {
      throw new IllegalArgumentException("signature must be 1.." + MAX_SIGNATURE + " bytes, got " + signature.length);
    }
    signature = signature.clone();
  }

  /** Returns a copy of s_pk. */
  @Override
  public byte[] maskKey() {
    return maskKey.clone();
  }

  /** Returns a copy of the commitment to b. */
  @Override
  public byte[] selfMaskCommitment() {
    return selfMaskCommitment.clone();
  }

  /** Returns a copy of the sealing keys, by sending site. */
  @Override
  public Map<String, byte[]> sealKeys() {
    return Wire.copyFixed("sealKeys", sealKeys, MaskingKeys.KEY_LENGTH);
  }

  /** Returns a copy of the share commitments, by holder. */
  @Override
  public Map<String, byte[]> shareCommitments() {
    return Wire.copyFixed("shareCommitments", shareCommitments, 2 * Commitments.LENGTH);
  }

  /** Returns a copy of the signature. */
  @Override
  public byte[] signature() {
    return signature.clone();
  }

  /**
   * Returns the key that {@code sender}'s shares to this site are sealed to.
   *
   * @throws IllegalArgumentException if the advertisement has none for that sender
   */
  public SealPublicKey sealPublicKey(String sender) {
    byte[] key = sealKeys.get(sender);
    if (key == null) {
      throw new IllegalArgumentException(siteId + " advertises no sealing key for shares from " + sender);
    }
    return new SealPublicKey(key);
  }

  /** Whether {@code share} is the share of s_sk this site committed to deal to {@code holder}. */
  boolean opensKeyShare(String holder, byte[] share) {
    byte[] c = shareCommitments.get(holder);
    return c != null && Commitments.opens(Arrays.copyOfRange(c, 0, Commitments.LENGTH), Commitments.KEY_SHARE,
        roundId, siteId, holder, share);
  }

  /** Whether {@code share} is the share of b this site committed to deal to {@code holder}. */
  boolean opensSelfMaskShare(String holder, byte[] share) {
    byte[] c = shareCommitments.get(holder);
    return c != null && Commitments.opens(Arrays.copyOfRange(c, Commitments.LENGTH, 2 * Commitments.LENGTH),
        Commitments.SELF_MASK_SHARE, roundId, siteId, holder, share);
  }

  /** Whether {@code seed} is the self-mask seed this site committed to. */
  boolean opensSelfMaskSeed(byte[] seed) {
    return Commitments.opens(selfMaskCommitment, Commitments.SELF_MASK_SEED, roundId, siteId, siteId, seed);
  }

  /**
   * Checks that the advertisement fits the round: a sealing key for every other participant and
   * share commitments for every participant, and no key used twice.
   *
   * @throws IllegalArgumentException naming what is missing, extra or repeated
   */
  void checkFits(SecAggConfig config) {
    Set<String> others = new TreeSet<>(config.participants());
    others.remove(siteId);
    if (!sealKeys.keySet().equals(others)) {
      throw new IllegalArgumentException(siteId + " advertises sealing keys for " + sealKeys.keySet()
          + ", expected one for each other participant " + others);
    }
    if (!shareCommitments.keySet().equals(new TreeSet<>(config.participants()))) {
      throw new IllegalArgumentException(siteId + " commits to shares for " + shareCommitments.keySet()
          + ", expected one for each participant " + config.participants());
    }
    List<byte[]> keys = publicKeys();
    for (int i = 0; i < keys.size(); i++) {
      for (int j = 0; j < i; j++) {
        if (Arrays.equals(keys.get(i), keys.get(j))) {
          throw new IllegalArgumentException(siteId + " advertises the same key twice");
        }
      }
    }
  }

  /** Returns every public key advertised: s_pk, then the sealing keys. */
  List<byte[]> publicKeys() {
    List<byte[]> keys = new ArrayList<>();
    keys.add(maskKey.clone());
    sealKeys.values().forEach(k -> keys.add(k.clone()));
    return keys;
  }

  /**
   * Returns the bytes the signature covers: a label, roundId, siteId, s_pk, the commitment to b, then
   * each sealing key and each share commitment with its site id, each length-prefixed.
   */
  public byte[] signedPayload() {
    return signedPayload(roundId, siteId, maskKey, selfMaskCommitment, sealKeys, shareCommitments);
  }

  static byte[] signedPayload(String roundId, String siteId, byte[] maskKey, byte[] selfMaskCommitment,
      Map<String, byte[]> sealKeys, Map<String, byte[]> shareCommitments) {
    List<byte[]> parts = new ArrayList<>();
    parts.add(LABEL);
    parts.add(roundId.getBytes(StandardCharsets.UTF_8));
    parts.add(siteId.getBytes(StandardCharsets.UTF_8));
    parts.add(maskKey);
    parts.add(selfMaskCommitment);
    for (Map<String, byte[]> map : List.of(Wire.copyFixed("sealKeys", sealKeys, MaskingKeys.KEY_LENGTH),
        Wire.copyFixed("shareCommitments", shareCommitments, 2 * Commitments.LENGTH))) {
      parts.add(new byte[] {(byte) (map.size() >>> 8), (byte) map.size()});
      map.forEach((site, value) -> {
        parts.add(site.getBytes(StandardCharsets.UTF_8));
        parts.add(value);
      });
    }
    return MaskingKeys.lengthPrefixed(parts.toArray(byte[][]::new));
  }

  /** Encodes the message in the wire format described on the type. */
  public byte[] toBytes() {
    return new Wire.Writer(Wire.ADVERTISE_KEYS, 256 + signature.length + 400 * shareCommitments.size())
        .string(roundId).string(siteId).bytes(maskKey).bytes(selfMaskCommitment).map(sealKeys)
        .map(shareCommitments).bytes(signature).toByteArray();
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
    byte[] maskKey = in.bytes("maskKey", MaskingKeys.KEY_LENGTH, MaskingKeys.KEY_LENGTH);
    byte[] selfMaskCommitment = in.bytes("selfMaskCommitment", Commitments.LENGTH, Commitments.LENGTH);
    Map<String, byte[]> sealKeys = in.map("sealKeys", MaskingKeys.KEY_LENGTH);
    Map<String, byte[]> shareCommitments = in.map("shareCommitments", 2 * Commitments.LENGTH);
    byte[] signature = in.bytes("signature", 1, MAX_SIGNATURE);
    in.end();
    try {
      return new AdvertiseKeys(roundId, siteId, maskKey, selfMaskCommitment, sealKeys, shareCommitments, signature);
    } catch (IllegalArgumentException e) {
      throw in.malformed(e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AdvertiseKeys a
        && roundId.equals(a.roundId)
        && siteId.equals(a.siteId)
        && Arrays.equals(maskKey, a.maskKey)
        && Arrays.equals(selfMaskCommitment, a.selfMaskCommitment)
        && Wire.sameBytes(sealKeys, a.sealKeys)
        && Wire.sameBytes(shareCommitments, a.shareCommitments)
        && Arrays.equals(signature, a.signature);
  }

  @Override
  public int hashCode() {
    return Objects.hash(roundId, siteId, Arrays.hashCode(maskKey), Arrays.hashCode(selfMaskCommitment),
        Wire.hashBytes(sealKeys), Wire.hashBytes(shareCommitments), Arrays.hashCode(signature));
  }

  @Override
  public String toString() {
    HexFormat hex = HexFormat.of();
    return "AdvertiseKeys[round=" + roundId + ", site=" + siteId + ", maskKey=" + hex.formatHex(maskKey)
        + ", sealKeysFrom=" + sealKeys.keySet() + "]";
  }

  private static byte[] checkKey(String name, byte[] key) {
    return checkLength(name, key, MaskingKeys.KEY_LENGTH);
  }

  private static byte[] checkLength(String name, byte[] value, int length) {
    Objects.requireNonNull(value, name);
    if (value.length != length) {
      throw new IllegalArgumentException(name + " must be " + length + " bytes, got " + value.length);
    }
    return value.clone();
  }
}
