package dev.tandem.crypto.secagg;

import dev.tandem.crypto.seal.SealedMessage;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * Round 1 (ShareKeys): one site's Shamir shares of its masking private key s_sk and of its self-mask
 * seed b, sealed for one other site and signed by the sender; the coordinator routes it by
 * {@link #recipient()}.
 *
 * <p>The signature (with the sender's identity key, the one that signs its advertisement) makes the
 * message evidence: a recipient that cannot open it, or finds shares in it that the sender did not
 * commit to, can show it to anyone in a {@link ShareComplaint}, and nobody but the sender can have
 * made it.
 *
 * <p>Wire format after the common header (type 2): the sealed message's own encoding
 * ({@link SealedMessage#toBytes()}) as a byte string, then the signature (1 to 512 bytes).
 *
 * @param sealed the sealed shares, with purpose {@value #PURPOSE}
 * @param signature the sender's signature of {@link #signedPayload()}
 */
public record SealedShares(SealedMessage sealed, byte[] signature) {
  /** The sealing purpose of key shares. */
  public static final String PURPOSE = "tandem/secagg/share-keys";
  private static final byte[] LABEL = "tandem/secagg/sealed-shares/v1".getBytes(StandardCharsets.US_ASCII);

  /**
   * Validates the message.
   *
   * @throws IllegalArgumentException if the sealed message has another purpose or is addressed to
   *     its own sender, or the signature is empty or over 512 bytes
   */
  public SealedShares {
    Objects.requireNonNull(sealed, "sealed");
    if (!sealed.purpose().equals(PURPOSE)) {
      throw new IllegalArgumentException("sealed shares must have purpose " + PURPOSE + ", got " + sealed.purpose());
    }
    if (sealed.sender().equals(sealed.recipient())) {
      throw new IllegalArgumentException("sealed shares from " + sealed.sender() + " are addressed to itself");
    }
    Objects.requireNonNull(signature, "signature");
    if (signature.length == 0 || signature.length > AdvertiseKeys.MAX_SIGNATURE) {
      throw new IllegalArgumentException(
          "signature must be 1.." + AdvertiseKeys.MAX_SIGNATURE + " bytes, got " + signature.length);
    }
    signature = signature.clone();
  }

  /** Returns a copy of the signature. */
  @Override
  public byte[] signature() {
    return signature.clone();
  }

  /** Returns the site that dealt the shares. */
  public String sender() {
    return sealed.sender();
  }

  /** Returns the site the shares are sealed for. */
  public String recipient() {
    return sealed.recipient();
  }

  /** Returns the round. */
  public String roundId() {
    return sealed.roundId();
  }

  /** Returns the bytes the signature covers: a label and the sealed message's encoding, length-prefixed. */
  public byte[] signedPayload() {
    return signedPayload(sealed);
  }

  static byte[] signedPayload(SealedMessage sealed) {
    return MaskingKeys.lengthPrefixed(LABEL, sealed.toBytes());
  }

  /** Whether the signature is the sender's, according to {@code verifier}. */
  boolean signedBySender(KeyAdvertisementVerifier verifier) {
    return verifier.verify(sender(), signedPayload(), signature);
  }

  /** Encodes the message in the wire format described on the type. */
  public byte[] toBytes() {
    byte[] inner = sealed.toBytes();
    return new Wire.Writer(Wire.SEALED_SHARES, 16 + inner.length + signature.length)
        .bytes(inner).bytes(signature).toByteArray();
  }

  /**
   * Decodes a message written by {@link #toBytes()}.
   *
   * @throws SecAggException with reason MALFORMED naming the offending field
   */
  public static SealedShares fromBytes(byte[] bytes) {
    Wire.Reader in = new Wire.Reader(bytes, Wire.SEALED_SHARES, "SealedShares");
    byte[] inner = in.bytes("sealed", 1, SealedMessage.MAX_CIPHERTEXT + 4096);
    byte[] signature = in.bytes("signature", 1, AdvertiseKeys.MAX_SIGNATURE);
    in.end();
    try {
      return new SealedShares(SealedMessage.fromBytes(inner), signature);
    } catch (IllegalArgumentException e) {
      throw in.malformed(e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SealedShares s && sealed.equals(s.sealed) && Arrays.equals(signature, s.signature);
  }

  @Override
  public int hashCode() {
    return 31 * sealed.hashCode() + Arrays.hashCode(signature);
  }

  @Override
  public String toString() {
    return "SealedShares[" + sender() + " -> " + recipient() + ", round=" + roundId() + "]";
  }
}
