package dev.tandem.crypto.sharing;

import dev.tandem.crypto.paillier.PaillierCiphertext;
import dev.tandem.crypto.paillier.PaillierPrivateKey;
import dev.tandem.crypto.paillier.PaillierPublicKey;
import dev.tandem.crypto.paillier.PreparedBases;
import dev.tandem.crypto.paillier.WideMultiExponentiation;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Objects;

/**
 * Turns a packed Paillier ciphertext into additive shares in {@link Ring}: the party that computed
 * the ciphertext (the exponent party, who does not hold the key) adds a fresh encryption of a mask
 * and keeps minus the mask as its shares; the key holder decrypts and keeps the slots as its shares.
 *
 * <p>The mask is uniform in each slot and fills the top of the plaintext up to n, so the decrypted
 * plaintext is within statistical distance 2^-64 of uniform mod n <em>whatever</em> the ciphertext
 * encrypted: a key holder that crafted the inputs (huge or packed "features") learns nothing from a
 * conversion. The decryption never leaves the key holder: no party gets the plaintext of a
 * ciphertext another party's data went into. The mask's encryption has textbook randomness r^n
 * for a uniform r ({@link PaillierPublicKey#encryptHiding}), so the product's randomness, which the
 * key holder can recover and which carries the exponents when the key holder crafted its key and
 * ciphertexts, is uniform too; check the key's {@link dev.tandem.crypto.paillier.ModulusProof}
 * before converting under it.
 *
 * <p>Correctness: for slot sums below 2^(slotBits - 2) in magnitude, key-holder share plus
 * exponent-party share equals the sum mod 2^96, plus a carry of at most one unit from the slot
 * below.
 */
public final class ShareConversion {
  private ShareConversion() {}

  /**
   * The exponent party's half: the masked ciphertext to send to the key holder, and its own shares
   * of the first {@code used} slots.
   */
  public record Masked(PaillierCiphertext ciphertext, BigInteger[] shares) {
    public Masked {
      Objects.requireNonNull(ciphertext, "ciphertext");
      shares = shares.clone();
    }

    @Override
    public BigInteger[] shares() {
      return shares.clone();
    }
  }

  /**
   * Masks {@code product} (whose slots hold signed sums, see {@link SlotLayout}) for the key holder.
   *
   * @param used slots the caller will read, in [1, layout.slots()]
   */
  public static Masked mask(PaillierPublicKey key, PaillierCiphertext product, SlotLayout layout, int used,
      SecureRandom random) {
    checkUsed(layout, used);
    BigInteger n = key.modulus();
    BigInteger offset = layout.offset();
    BigInteger mask = BigInteger.ZERO;
    BigInteger[] shares = new BigInteger[used];
    for (int s = layout.slots() - 1; s >= 0; s--) {
      BigInteger rho = new BigInteger(layout.slotBits(), random);
      mask = mask.shiftLeft(layout.slotBits()).add(rho).add(offset);
      if (s < used) {
        shares[s] = Ring.negate(rho.add(offset));
      }
    }
    // top: uniform in [0, floor(n / 2^region) - 2], so the masked sum never wraps mod n
    BigInteger topRange = n.shiftRight(layout.slotRegionBits()).subtract(BigInteger.ONE);
    BigInteger top = uniformBelow(topRange, random);
    mask = mask.add(top.shiftLeft(layout.slotRegionBits()));
    PaillierCiphertext masked = key.add(product, key.encryptHiding(mask.mod(n), random));
    return new Masked(masked, shares);
  }

  /**
   * Masks {@code product}, whose slots of {@code slotBits} bits hold non-negative counts below
   * 2^(slotBits - slackBits), for the key holder without carries: each slot's mask is uniform below
   * 2^slotBits - 2^(slotBits - slackBits) (statistical distance 2^-slackBits per slot), the top is
   * filled up to n as in {@link #mask}. The exponent party's shares are minus the masks of the first
   * {@code used} slots; the key holder's are the slots of its decryption, exactly (read them with
   * {@link #openCounts}).
   */
  public static Masked maskCounts(PaillierPublicKey key, PaillierCiphertext product, int slotBits, int used,
      int slackBits, SecureRandom random) {
    int slots = countSlots(key, slotBits);
    if (used < 1 || used > slots || slackBits < 1 || slackBits >= slotBits) {
      throw new IllegalArgumentException("used must be in [1, " + slots + "] and slackBits in [1, slotBits), got "
          + used + ", " + slackBits);
    }
    BigInteger bound = BigInteger.ONE.shiftLeft(slotBits).subtract(BigInteger.ONE.shiftLeft(slotBits - slackBits));
    BigInteger mask = BigInteger.ZERO;
    BigInteger[] shares = new BigInteger[used];
    for (int s = slots - 1; s >= 0; s--) {
      BigInteger rho = uniformBelow(bound, random);
      mask = mask.shiftLeft(slotBits).add(rho);
      if (s < used) {
        shares[s] = Ring.negate(rho);
      }
    }
    BigInteger top = uniformBelow(key.modulus().shiftRight(slotBits * slots).subtract(BigInteger.ONE), random);
    mask = mask.add(top.shiftLeft(slotBits * slots));
    return new Masked(key.add(product, key.encryptHiding(mask, random)), shares);
  }

  /** The key holder's half of {@link #maskCounts}: its shares of the first {@code used} slots. */
  public static BigInteger[] openCounts(PaillierPrivateKey key, PaillierCiphertext masked, int slotBits, int used) {
    BigInteger plain = key.decrypt(masked);
    BigInteger slotMask = BigInteger.ONE.shiftLeft(slotBits).subtract(BigInteger.ONE);
    BigInteger[] shares = new BigInteger[used];
    for (int s = 0; s < used; s++) {
      shares[s] = Ring.reduce(plain.shiftRight(s * slotBits).and(slotMask));
    }
    return shares;
  }

  /** Returns how many count slots of {@code slotBits} bits fit below the top margin of a plaintext. */
  public static int countSlots(PaillierPublicKey key, int slotBits) {
    return (key.modulus().bitLength() - 1 - SlotLayout.TOP_MARGIN_BITS) / slotBits;
  }

  /**
   * The key holder's half: decrypts and returns its shares of the first {@code used} slots.
   *
   * @throws IllegalArgumentException if the ciphertext is invalid under the key
   */
  public static BigInteger[] open(PaillierPrivateKey key, PaillierCiphertext masked, SlotLayout layout, int used) {
    checkUsed(layout, used);
    BigInteger plain = key.decrypt(masked);
    BigInteger slotMask = BigInteger.ONE.shiftLeft(layout.slotBits()).subtract(BigInteger.ONE);
    BigInteger[] shares = new BigInteger[used];
    for (int s = 0; s < used; s++) {
      shares[s] = Ring.reduce(plain.shiftRight(s * layout.slotBits()).and(slotMask));
    }
    return shares;
  }

  /**
   * Returns the plaintext (mod n) with the signed integers {@code values[from..from+count)} in slots
   * 0..count-1.
   */
  public static BigInteger pack(PaillierPublicKey key, SlotLayout layout, long[] values, int from, int count) {
    if (count < 1 || count > layout.slots()) {
      throw new IllegalArgumentException("count must be in [1, " + layout.slots() + "], got " + count);
    }
    BigInteger acc = BigInteger.ZERO;
    for (int s = count - 1; s >= 0; s--) {
      acc = acc.shiftLeft(layout.slotBits()).add(BigInteger.valueOf(values[from + s]));
    }
    return acc.mod(key.modulus());
  }

  /**
   * Returns an encryption of sum_i e_i m_i for ciphertexts of m_i and ring exponents e_i in
   * [0, 2^96), without new randomness (mask it before sending); the bucket method
   * ({@link WideMultiExponentiation}), on all cores for long inputs.
   *
   * @throws IllegalArgumentException if the lengths differ or an exponent is outside [0, 2^96)
   */
  public static PaillierCiphertext product(PaillierPublicKey key, PaillierCiphertext[] bases, BigInteger[] exponents) {
    if (bases.length != exponents.length || bases.length == 0) {
      throw new IllegalArgumentException("bases and exponents must have the same non-zero length, got "
          + bases.length + " and " + exponents.length);
    }
    for (int i = 0; i < exponents.length; i++) {
      if (exponents[i].signum() < 0 || exponents[i].bitLength() > Ring.BITS) {
        throw new IllegalArgumentException("exponent " + i + " is not a ring element");
      }
    }
    return WideMultiExponentiation.product(key, bases, exponents);
  }

  /** Prepares ciphertexts that will meet new ring exponents again and again (see {@link PreparedBases}). */
  public static PreparedBases prepare(PaillierPublicKey key, PaillierCiphertext[] bases) {
    return PreparedBases.prepare(key, bases, Ring.BITS);
  }

  /**
   * As {@link #product(PaillierPublicKey, PaillierCiphertext[], BigInteger[])}, on bases from
   * {@link #prepare}.
   *
   * @throws IllegalArgumentException if the lengths differ or an exponent is outside [0, 2^96)
   */
  public static PaillierCiphertext product(PreparedBases bases, BigInteger[] exponents) {
    if (bases.exponentBits() != Ring.BITS) {
      throw new IllegalArgumentException("bases prepared for " + bases.exponentBits() + "-bit exponents, not ring"
          + " elements");
    }
    return bases.product(exponents);
  }

  private static BigInteger uniformBelow(BigInteger bound, SecureRandom random) {
    BigInteger r;
    do {
      r = new BigInteger(bound.bitLength(), random);
    } while (r.compareTo(bound) >= 0);
    return r;
  }

  private static void checkUsed(SlotLayout layout, int used) {
    if (used < 1 || used > layout.slots()) {
      throw new IllegalArgumentException("used must be in [1, " + layout.slots() + "], got " + used);
    }
  }
}
