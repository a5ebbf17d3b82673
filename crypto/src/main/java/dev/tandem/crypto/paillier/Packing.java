package dev.tandem.crypto.paillier;

import java.math.BigInteger;
import java.util.Objects;

/**
 * Packs several signed integers into one Paillier plaintext, in slots of {@code slotBits} bits,
 * so that one encryption, one addition or one decryption serves a whole slot group.
 *
 * <p>Value j goes to slot j mod {@code slots} of plaintext j / {@code slots}; slot i occupies bits
 * [i * slotBits, (i + 1) * slotBits), slot 0 the least significant. A value v must lie in
 * [-2^(valueBits-1), 2^(valueBits-1)) and is stored as v + 2^(valueBits-1), in [0, 2^valueBits);
 * unused slots of the last plaintext hold the encoding of 0.
 *
 * <p>Carry rule: adding packed plaintexts (or multiplying their ciphertexts) adds slot by slot
 * with no carry between slots as long as every slot sum stays below 2^slotBits, which holds for
 * any sum of up to {@link #maxSummands()} = 2^(slotBits - valueBits) packed plaintexts. A sum of k
 * of them unpacks with {@code summands = k}, which removes k offsets per slot. Scalar
 * multiplication of a packed ciphertext does not keep the slots apart and is not supported.
 * All slots must fit below n: slotBits * slots &lt;= bitLength(n) - 1, checked against the key.
 *
 * @param slotBits width of a slot in bits, greater than valueBits
 * @param valueBits width of a value in bits (two's-complement range), at least 1
 * @param slots number of slots per plaintext, at least 1
 */
public record Packing(int slotBits, int valueBits, int slots) {
  private static final int MAX_CAPACITY_BITS = 1 << 16;

  /**
   * Validates the layout.
   *
   * @throws IllegalArgumentException if valueBits &lt; 1, slotBits &lt;= valueBits, slots &lt; 1, or
   *     slotBits * slots exceeds 65536
   */
  public Packing {
    if (valueBits < 1) {
      throw new IllegalArgumentException("valueBits must be >= 1, got " + valueBits);
    }
    if (slotBits <= valueBits) {
      throw new IllegalArgumentException(
          "slotBits must be > valueBits (" + valueBits + "), got " + slotBits);
    }
    if (slots < 1) {
      throw new IllegalArgumentException("slots must be >= 1, got " + slots);
    }
    if ((long) slotBits * slots > MAX_CAPACITY_BITS) {
      throw new IllegalArgumentException("slotBits * slots must be <= " + MAX_CAPACITY_BITS
          + ", got " + slotBits + " * " + slots);
    }
  }

  /**
   * Returns the packing with as many slots as fit under {@code key} for values of
   * {@code valueBits} bits and sums of up to {@code maxSummands} packed plaintexts.
   *
   * @throws IllegalArgumentException if valueBits or maxSummands is below 1, or not even one slot
   *     fits
   */
  public static Packing forSums(PaillierPublicKey key, int valueBits, int maxSummands) {
    if (maxSummands < 1) {
      throw new IllegalArgumentException("maxSummands must be >= 1, got " + maxSummands);
    }
    int headroom = Math.max(1, 32 - Integer.numberOfLeadingZeros(maxSummands - 1));
    int slotBits = valueBits + headroom;
    int slots = (key.modulus().bitLength() - 1) / slotBits;
    if (slots < 1) {
      throw new IllegalArgumentException("a slot of " + slotBits + " bits does not fit below n");
    }
    return new Packing(slotBits, valueBits, slots);
  }

  /** Returns how many packed plaintexts may be added before slots could carry into each other. */
  public int maxSummands() {
    int headroom = slotBits - valueBits;
    return headroom >= 31 ? Integer.MAX_VALUE : 1 << headroom;
  }

  /** Returns the number of plaintexts that hold {@code length} values: ceil(length / slots). */
  public int plaintextCount(int length) {
    if (length < 0) {
      throw new IllegalArgumentException("length must be >= 0, got " + length);
    }
    return (length + slots - 1) / slots;
  }

  /**
   * Packs signed values into plaintexts of {@code key}.
   *
   * @throws IllegalArgumentException naming the first value out of range, or if the slots do not
   *     fit below n
   */
  public BigInteger[] pack(long[] values, PaillierPublicKey key) {
    Objects.requireNonNull(values, "values");
    BigInteger[] big = new BigInteger[values.length];
    for (int i = 0; i < values.length; i++) {
      big[i] = BigInteger.valueOf(values[i]);
    }
    return pack(big, key);
  }

  /**
   * Packs signed values into plaintexts of {@code key}.
   *
   * @throws IllegalArgumentException naming the first value out of range, or if the slots do not
   *     fit below n
   */
  public BigInteger[] pack(BigInteger[] values, PaillierPublicKey key) {
    Objects.requireNonNull(values, "values");
    requireFits(key);
    BigInteger offset = offset();
    BigInteger[] out = new BigInteger[plaintextCount(values.length)];
    for (int group = 0; group < out.length; group++) {
      BigInteger packed = BigInteger.ZERO;
      for (int slot = slots - 1; slot >= 0; slot--) {
        int index = group * slots + slot;
        BigInteger stored = offset;
        if (index < values.length) {
          BigInteger v = Objects.requireNonNull(values[index], "value " + index);
          if (v.bitLength() >= valueBits) { // two's-complement range [-2^(valueBits-1), 2^(valueBits-1))
            throw new IllegalArgumentException("value " + index + " = " + v + " is outside ["
                + offset.negate() + ", " + offset + ")");
          }
          stored = v.add(offset);
        }
        packed = packed.shiftLeft(slotBits).or(stored);
      }
      out[group] = packed;
    }
    return out;
  }

  /**
   * Unpacks the slot sums of plaintexts that are each a sum of {@code summands} packed plaintexts.
   *
   * @param plaintexts decrypted packed plaintexts, {@link #plaintextCount}(length) of them
   * @param length the number of values packed
   * @param summands how many packed plaintexts were added into each (1 for no addition)
   * @throws IllegalArgumentException if the counts do not match, summands is outside
   *     [1, maxSummands], or a plaintext exceeds the slots (an overflow or not a packed plaintext)
   */
  public BigInteger[] unpack(BigInteger[] plaintexts, int length, int summands, PaillierPublicKey key) {
    Objects.requireNonNull(plaintexts, "plaintexts");
    requireFits(key);
    if (plaintexts.length != plaintextCount(length)) {
      throw new IllegalArgumentException(length + " values need " + plaintextCount(length)
          + " plaintexts, got " + plaintexts.length);
    }
    if (summands < 1 || summands > maxSummands()) {
      throw new IllegalArgumentException(
          "summands must be in [1, " + maxSummands() + "], got " + summands);
    }
    BigInteger totalOffset = offset().multiply(BigInteger.valueOf(summands));
    BigInteger slotMask = BigInteger.ONE.shiftLeft(slotBits).subtract(BigInteger.ONE);
    int capacityBits = slotBits * slots;
    BigInteger[] out = new BigInteger[length];
    for (int group = 0; group < plaintexts.length; group++) {
      BigInteger packed = Objects.requireNonNull(plaintexts[group], "plaintext " + group);
      if (packed.signum() < 0 || packed.bitLength() > capacityBits) {
        throw new IllegalArgumentException("plaintext " + group + " exceeds the " + capacityBits
            + " bits of its slots: an overflow or not a packed plaintext");
      }
      for (int slot = 0; slot < slots && group * slots + slot < length; slot++) {
        out[group * slots + slot] =
            packed.shiftRight(slot * slotBits).and(slotMask).subtract(totalOffset);
      }
    }
    return out;
  }

  /**
   * Like {@link #unpack} with results as longs.
   *
   * @throws IllegalArgumentException as {@link #unpack}, or if a sum does not fit in a long
   */
  public long[] unpackLongs(BigInteger[] plaintexts, int length, int summands, PaillierPublicKey key) {
    BigInteger[] sums = unpack(plaintexts, length, summands, key);
    long[] out = new long[length];
    for (int i = 0; i < length; i++) {
      if (sums[i].bitLength() > 63) {
        throw new IllegalArgumentException("sum " + i + " does not fit in a long");
      }
      out[i] = sums[i].longValue();
    }
    return out;
  }

  /**
   * Packs ciphertexts of single signed values into ciphertexts of packed plaintexts, without
   * decrypting: group g becomes Enc(sum_i (v_i + offset) 2^(i slotBits)), by Horner's rule with
   * slotBits squarings per slot, plus the offsets added as one plaintext. Each input must encrypt a
   * value in [-2^(valueBits-1), 2^(valueBits-1)) (negatives as n - |v|); this cannot be checked.
   * The results unpack with {@code summands = 1} and may be summed like packed encryptions.
   *
   * @throws IllegalArgumentException if a ciphertext is out of range or the slots do not fit below n
   */
  public PaillierCiphertext[] packCiphertexts(PaillierCiphertext[] ciphertexts, PaillierPublicKey key) {
    Objects.requireNonNull(ciphertexts, "ciphertexts");
    requireFits(key);
    for (PaillierCiphertext c : ciphertexts) {
      key.requireInRange(c);
    }
    BigInteger shift = BigInteger.ONE.shiftLeft(slotBits);
    BigInteger allOffsets = offsets();
    PaillierCiphertext[] out = new PaillierCiphertext[plaintextCount(ciphertexts.length)];
    for (int group = 0; group < out.length; group++) {
      int first = group * slots;
      int last = Math.min(ciphertexts.length, first + slots) - 1;
      BigInteger acc = ciphertexts[last].value();
      for (int i = last - 1; i >= first; i--) {
        acc = key.modNSquared().multiply(acc.modPow(shift, key.nSquared()), ciphertexts[i].value());
      }
      out[group] = key.addPlaintext(new PaillierCiphertext(acc), allOffsets);
    }
    return out;
  }

  private BigInteger offset() {
    return BigInteger.ONE.shiftLeft(valueBits - 1);
  }

  /** Returns the plaintext with the offset in every slot: the packing of all zeros. */
  private BigInteger offsets() {
    BigInteger offset = offset();
    BigInteger packed = BigInteger.ZERO;
    for (int slot = 0; slot < slots; slot++) {
      packed = packed.shiftLeft(slotBits).or(offset);
    }
    return packed;
  }

  private void requireFits(PaillierPublicKey key) {
    Objects.requireNonNull(key, "key");
    int available = key.modulus().bitLength() - 1;
    if ((long) slotBits * slots > available) {
      throw new IllegalArgumentException(slots + " slots of " + slotBits + " bits exceed the "
          + available + " bits available below n");
    }
  }
}
