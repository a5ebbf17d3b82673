package dev.tandem.vertical.sshe;

import dev.tandem.crypto.paillier.PaillierCiphertext;
import dev.tandem.crypto.paillier.PaillierPublicKey;
import dev.tandem.crypto.sharing.Ring;
import java.math.BigInteger;
import java.nio.ByteBuffer;

/**
 * Payload forms of {@link SsheMessage}s: ciphertexts of fixed length under a key, and ring
 * elements of {@link Ring#BYTES} bytes. Parsing takes the count the job expects and refuses any
 * other size with {@link SsheProtocolException}.
 */
final class Payloads {
  private Payloads() {}

  /** Returns the bytes of one ciphertext under {@code key}. */
  static int ciphertextBytes(PaillierPublicKey key) {
    return key.parameters().ciphertextBytes();
  }

  /** Returns the ciphertexts one after the other. */
  static byte[] ciphertexts(PaillierPublicKey key, PaillierCiphertext... cts) {
    ByteBuffer out = ByteBuffer.allocate(cts.length * ciphertextBytes(key));
    for (PaillierCiphertext c : cts) {
      out.put(c.toBytes(key));
    }
    return out.array();
  }

  /**
   * Parses exactly {@code count} ciphertexts under {@code key} from the message's payload.
   *
   * @throws SsheProtocolException if the size differs or a ciphertext is invalid
   */
  static PaillierCiphertext[] ciphertexts(PaillierPublicKey key, SsheMessage m, int count) {
    int ctBytes = ciphertextBytes(key);
    if (m.payloadLength() != (long) count * ctBytes) {
      throw new SsheProtocolException(m.kind() + " from party " + m.from() + " has " + m.payloadLength()
          + " bytes; it must hold exactly " + count + " ciphertexts of " + ctBytes + " bytes");
    }
    return parse(key, m.payloadView(), count, m.from());
  }

  /**
   * Parses {@code count} ciphertexts from {@code bytes}, which must hold them exactly.
   *
   * @throws SsheProtocolException if a ciphertext is invalid
   */
  static PaillierCiphertext[] parse(PaillierPublicKey key, byte[] bytes, int count, int from) {
    try {
      return PaillierCiphertext.fromBytes(key, bytes, 0, count);
    } catch (IllegalArgumentException e) {
      throw new SsheProtocolException("party " + from + " sent an invalid ciphertext: " + e.getMessage(), e);
    }
  }

  /**
   * Parses exactly {@code count} ring elements.
   *
   * @throws SsheProtocolException if the size differs
   */
  static BigInteger[] ring(SsheMessage m, int count) {
    if (m.payloadLength() != (long) count * Ring.BYTES) {
      throw new SsheProtocolException(m.kind() + " from party " + m.from() + " has " + m.payloadLength()
          + " bytes; it must hold exactly " + count + " shares of " + Ring.BYTES + " bytes");
    }
    byte[] bytes = m.payloadView();
    BigInteger[] out = new BigInteger[count];
    for (int i = 0; i < count; i++) {
      out[i] = Ring.read(bytes, i * Ring.BYTES);
    }
    return out;
  }

  /** Returns the ring elements one after the other. */
  static byte[] ring(BigInteger... values) {
    byte[] out = new byte[values.length * Ring.BYTES];
    for (int i = 0; i < values.length; i++) {
      Ring.write(values[i], out, i * Ring.BYTES);
    }
    return out;
  }
}
