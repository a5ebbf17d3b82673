package dev.tandem.vertical;

import dev.tandem.crypto.paillier.Packing;
import dev.tandem.crypto.paillier.PaillierCiphertext;
import dev.tandem.crypto.paillier.PaillierPublicKey;
import java.math.BigInteger;
import java.security.SecureRandom;

/**
 * One party's side of a masked decryption: packs encrypted signed values several to a ciphertext,
 * adds a fresh uniformly random mask R in Z_n to each packed ciphertext (as a fresh encryption), and
 * after the arbiter has decrypted P + R mod n, removes R. What the arbiter sees is uniform in Z_n
 * whatever P is. One exchange at a time; not thread-safe.
 */
final class Masking {
  /** Room for values of up to 2^95 in magnitude: gradients of any realistic batch and data. */
  static final int VALUE_BITS = 96;

  private final PaillierPublicKey key;
  private final Packing packing;
  private final SecureRandom random;
  private BigInteger[] masks;
  private int length;

  Masking(PaillierPublicKey key, SecureRandom random) {
    this.key = key;
    this.packing = Packing.forSums(key, VALUE_BITS, 1);
    this.random = random;
  }

  /** Packs and masks encryptions of signed values; the result is for the arbiter. */
  PaillierCiphertext[] mask(PaillierCiphertext[] values, Encryptor encryptor) {
    if (masks != null) {
      throw new IllegalStateException("the previous masked values have not been unmasked");
    }
    PaillierCiphertext[] packed = packing.packCiphertexts(values, key);
    BigInteger[] fresh = new BigInteger[packed.length];
    for (int i = 0; i < fresh.length; i++) {
      fresh[i] = uniform();
    }
    PaillierCiphertext[] encryptedMasks = encryptor.encryptAll(fresh);
    PaillierCiphertext[] out = new PaillierCiphertext[packed.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = key.add(packed[i], encryptedMasks[i]);
    }
    masks = fresh;
    length = values.length;
    return out;
  }

  /**
   * Removes the masks from the arbiter's decryptions and returns the signed values.
   *
   * @throws IllegalArgumentException if the count is wrong or a value is not in [0, n)
   * @throws IllegalStateException if nothing is waiting to be unmasked
   */
  BigInteger[] unmask(BigInteger[] decrypted) {
    if (masks == null) {
      throw new IllegalStateException("no masked values are waiting for the arbiter");
    }
    if (decrypted.length != masks.length) {
      throw new IllegalArgumentException("expected " + masks.length + " decryptions from the arbiter, got "
          + decrypted.length);
    }
    BigInteger n = key.modulus();
    BigInteger[] packed = new BigInteger[decrypted.length];
    for (int i = 0; i < packed.length; i++) {
      BigInteger d = decrypted[i];
      if (d == null || d.signum() < 0 || d.compareTo(n) >= 0) {
        throw new IllegalArgumentException("decryption " + i + " from the arbiter is not in [0, n)");
      }
      packed[i] = d.subtract(masks[i]).mod(n);
    }
    masks = null;
    return packing.unpack(packed, length, 1, key);
  }

  private BigInteger uniform() {
    BigInteger n = key.modulus();
    BigInteger r;
    do {
      r = new BigInteger(n.bitLength(), random);
    } while (r.compareTo(n) >= 0);
    return r;
  }
}
