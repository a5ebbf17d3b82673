package dev.tandem.crypto.seal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/** Key derivation and associated data shared by {@link Sealer} and {@link Opener}. */
final class SealContext {
  static final int KEY_LENGTH = 32;
  private static final byte[] LABEL = "tandem/seal/v1".getBytes(StandardCharsets.US_ASCII);

  private SealContext() {}

  /**
   * Derives the AES-256 key of one direction: HKDF-SHA256 with an empty salt, the X25519 secret as
   * input keying material and info = label, sender, recipient, round, sender key, recipient key
   * (each length-prefixed), so that the two directions of a pair and different rounds never share
   * a key.
   */
  static byte[] deriveKey(
      byte[] sharedSecret, String sender, String recipient, String roundId,
      SealPublicKey senderKey, SealPublicKey recipientKey) {
    byte[] info = concat(LABEL, utf8(sender), utf8(recipient), utf8(roundId),
        senderKey.encoded(), recipientKey.encoded());
    return hkdfSha256(sharedSecret, new byte[0], info, KEY_LENGTH);
  }

  /** The GCM associated data: label, sender, recipient, round, purpose (each length-prefixed). */
  static byte[] associatedData(String sender, String recipient, String roundId, String purpose) {
    return concat(LABEL, utf8(sender), utf8(recipient), utf8(roundId), utf8(purpose));
  }

  static byte[] hkdfSha256(byte[] ikm, byte[] salt, byte[] info, int length) {
    HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
    hkdf.init(new HKDFParameters(ikm, salt, info));
    byte[] out = new byte[length];
    hkdf.generateBytes(out, 0, length);
    return out;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.write(part.length >>> 24);
      out.write(part.length >>> 16);
      out.write(part.length >>> 8);
      out.write(part.length);
      out.writeBytes(part);
    }
    return out.toByteArray();
  }
}
