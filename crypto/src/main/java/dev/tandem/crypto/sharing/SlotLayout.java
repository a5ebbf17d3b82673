package dev.tandem.crypto.sharing;

import dev.tandem.crypto.paillier.PaillierPublicKey;
import java.math.BigInteger;

/**
 * How signed integer sums are packed into one Paillier plaintext for a share conversion: {@code
 * slots} slots of {@code slotBits} bits each, below a top margin of {@link #TOP_MARGIN_BITS} bits
 * that only the mask fills.
 *
 * <p>A slot holds a sum whose magnitude is below 2^(slotBits - 2); the conversion adds
 * 2^(slotBits - 2) to make it non-negative, and a uniform slot mask of slotBits bits, so a slot
 * carries at most one bit into the next (an error of one unit in the last place of the next value,
 * never more). Slots are at least {@link Ring#BITS} wide so that a slot reduced mod 2^96 is the
 * ring value of its sum.
 *
 * @param slotBits bits per slot, at least {@link Ring#BITS}
 * @param slots slots per plaintext, at least 1
 */
public record SlotLayout(int slotBits, int slots) {
  /** Bits at the top of the plaintext that hold only mask: the statistical distance of a masked
   *  plaintext from uniform is below 2^-(TOP_MARGIN_BITS - 2). */
  public static final int TOP_MARGIN_BITS = 66;

  public SlotLayout {
    if (slotBits < Ring.BITS) {
      throw new IllegalArgumentException("slotBits must be >= " + Ring.BITS + ", got " + slotBits);
    }
    if (slots < 1) {
      throw new IllegalArgumentException("slots must be >= 1, got " + slots);
    }
  }

  /**
   * Returns the layout for sums of {@code terms} products of a ring element (an exponent below
   * 2^96) and a signed integer of magnitude below 2^{@code factorBits}, under {@code key}.
   *
   * @throws IllegalArgumentException if not even one slot fits
   */
  public static SlotLayout forSums(PaillierPublicKey key, int factorBits, int terms) {
    if (factorBits < 1 || terms < 1) {
      throw new IllegalArgumentException("factorBits and terms must be >= 1, got " + factorBits + ", " + terms);
    }
    int termBits = 32 - Integer.numberOfLeadingZeros(terms - 1);
    int slotBits = Ring.BITS + factorBits + termBits + 2;
    int usable = key.modulus().bitLength() - 1 - TOP_MARGIN_BITS;
    int slots = usable / slotBits;
    if (slots < 1) {
      throw new IllegalArgumentException("a " + key.modulus().bitLength() + "-bit key has no room for a "
          + slotBits + "-bit slot");
    }
    return new SlotLayout(slotBits, slots);
  }

  /** Returns the number of plaintexts that {@code values} values take. */
  public int plaintexts(int values) {
    return (values + slots - 1) / slots;
  }

  /** Returns the bits of all slots together. */
  int slotRegionBits() {
    return slotBits * slots;
  }

  /** Returns 2^(slotBits - 2), the offset that makes a slot's sum non-negative. */
  BigInteger offset() {
    return BigInteger.ONE.shiftLeft(slotBits - 2);
  }
}
