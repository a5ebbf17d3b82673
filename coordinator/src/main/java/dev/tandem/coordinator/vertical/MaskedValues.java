package dev.tandem.coordinator.vertical;

import com.google.protobuf.ByteString;
import dev.tandem.coordinator.rounds.Rejection;
import dev.tandem.coordinator.rounds.Rejection.Reason;
import dev.tandem.crypto.paillier.PaillierCiphertext;
import dev.tandem.crypto.paillier.PaillierPublicKey;
import dev.tandem.vertical.Arbiter;
import java.math.BigInteger;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The arbiter's desk for one job: checks the masked ciphertexts a party sends for decryption and
 * decrypts them. A party sends the same number of values at every batch (of its gradient) and at
 * every epoch (of the guest's loss); the first accepted request fixes the number.
 *
 * <p>Thread-safe.
 */
final class MaskedValues {
  /** What a party asks the arbiter to decrypt. */
  enum Purpose { GRADIENT, LOSS }

  private final Arbiter arbiter;
  private final PaillierPublicKey key;
  private final ConcurrentHashMap<String, Integer> counts = new ConcurrentHashMap<>();

  MaskedValues(Arbiter arbiter) {
    this.arbiter = arbiter;
    this.key = arbiter.publicKey();
  }

  /** The job's public key in its wire form. */
  byte[] publicKey() {
    return key.toBytes();
  }

  /**
   * Parses a party's request.
   *
   * @throws Rejection with {@link Reason#MALFORMED} if the count is outside 1..{@link Arbiter#MAX_DECRYPTIONS},
   *     differs from the party's earlier requests, or a value is not a ciphertext under the job's key
   */
  PaillierCiphertext[] parse(String site, Purpose purpose, List<byte[]> values) throws Rejection {
    String what = purpose == Purpose.GRADIENT ? "masked gradient" : "masked loss";
    if (values.isEmpty() || values.size() > Arbiter.MAX_DECRYPTIONS) {
      throw new Rejection(Reason.MALFORMED, "to_arbiter (the " + what + ") must hold 1 to "
          + Arbiter.MAX_DECRYPTIONS + " ciphertexts, got " + values.size());
    }
    Integer expected = counts.get(site + "/" + purpose);
    if (expected != null && expected != values.size()) {
      throw new Rejection(Reason.MALFORMED, "to_arbiter (the " + what + ") of site '" + site + "' held "
          + expected + " ciphertexts before and " + values.size() + " now; it must hold the same number every time");
    }
    PaillierCiphertext[] out = new PaillierCiphertext[values.size()];
    for (int i = 0; i < out.length; i++) {
      try {
        out[i] = PaillierCiphertext.fromBytes(key, values.get(i));
      } catch (IllegalArgumentException e) {
        throw new Rejection(Reason.MALFORMED, "to_arbiter[" + i + "] is not a ciphertext under this job's arbiter "
            + "key (" + key.parameters().name() + "): " + e.getMessage());
      }
    }
    return out;
  }

  /** Fixes the number of values of a party's requests once one was accepted. */
  void accepted(String site, Purpose purpose, int count) {
    counts.putIfAbsent(site + "/" + purpose, count);
  }

  /** Decrypts a parsed request; each value in its {@code BigInteger.toByteArray} form. */
  List<ByteString> decrypt(PaillierCiphertext[] masked) {
    BigInteger[] plain = arbiter.decrypt(masked);
    return java.util.Arrays.stream(plain).map(b -> ByteString.copyFrom(b.toByteArray())).toList();
  }
}
