package dev.tandem.crypto.secagg;

import dev.tandem.crypto.seal.SealedMessage;
import java.util.Objects;

/**
 * Round 1 (ShareKeys): one site's Shamir shares of its masking private key s_sk and of its self-mask
 * seed b, sealed for one other site; the coordinator routes it by {@link #recipient()}.
 *
 * <p>Wire format after the common header (type 2): the sealed message's own encoding
 * ({@link SealedMessage#toBytes()}) as a byte string.
 *
 * @param sealed the sealed shares, with purpose {@value #PURPOSE}
 */
public record SealedShares(SealedMessage sealed) {
  /** The sealing purpose of key shares. */
  public static final String PURPOSE = "tandem/secagg/share-keys";

  /**
   * Validates the message.
   *
   * @throws IllegalArgumentException if the sealed message has another purpose or is addressed to
   *     its own sender
   */
  public SealedShares {
    Objects.requireNonNull(sealed, "sealed");
    if (!sealed.purpose().equals(PURPOSE)) {
      throw new IllegalArgumentException("sealed shares must have purpose " + PURPOSE + ", got " + sealed.purpose());
    }
    if (sealed.sender().equals(sealed.recipient())) {
      throw new IllegalArgumentException("sealed shares from " + sealed.sender() + " are addressed to itself");
    }
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

  /** Encodes the message in the wire format described on the type. */
  public byte[] toBytes() {
    byte[] inner = sealed.toBytes();
    return new Wire.Writer(Wire.SEALED_SHARES, 16 + inner.length).bytes(inner).toByteArray();
  }

  /**
   * Decodes a message written by {@link #toBytes()}.
   *
   * @throws SecAggException with reason MALFORMED naming the offending field
   */
  public static SealedShares fromBytes(byte[] bytes) {
    Wire.Reader in = new Wire.Reader(bytes, Wire.SEALED_SHARES, "SealedShares");
    byte[] inner = in.bytes("sealed", 1, SealedMessage.MAX_CIPHERTEXT + 4096);
    in.end();
    try {
      return new SealedShares(SealedMessage.fromBytes(inner));
    } catch (IllegalArgumentException e) {
      throw in.malformed(e);
    }
  }
}
