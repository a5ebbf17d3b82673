package dev.tandem.crypto.paillier;

import java.math.BigInteger;
import java.util.Objects;

/**
 * Ciphertexts prepared once for many products prod_i c_i^(e_i) mod n^2 with exponents of at most
 * {@link #exponentBits()} bits, when the same bases meet new exponents again and again (the
 * features a party received at setup, raised to new weight shares at every step).
 *
 * <p>Each base is kept with its powers c^(2^(k s)) for the {@value #CHUNKS} chunks k of s bits of
 * the exponent, already in the key's fastest arithmetic. A product is then one bucket
 * multi-exponentiation over {@value #CHUNKS} times as many bases with s-bit exponents, and converts
 * nothing: for 13 bases and 96-bit exponents, about 520 multiplications instead of 960. Preparing
 * costs (CHUNKS - 1) s squarings per base, and memory of CHUNKS ciphertexts per base. Immutable and
 * thread-safe.
 */
public final class PreparedBases {
  /** The number of chunks each exponent is split into. */
  static final int CHUNKS = 4;

  private final PaillierPublicKey key;
  private final int count;
  private final int exponentBits;
  private final Powers<?> powers;

  private PreparedBases(PaillierPublicKey key, int count, int exponentBits, Powers<?> powers) {
    this.key = key;
    this.count = count;
    this.exponentBits = exponentBits;
    this.powers = powers;
  }

  /**
   * Prepares {@code bases} (valid ciphertexts under {@code key}) for exponents of at most
   * {@code exponentBits} bits.
   *
   * @throws IllegalArgumentException if there are no bases, a base is not a valid ciphertext under
   *     the key, or exponentBits is not in [1, 4096]
   */
  public static PreparedBases prepare(PaillierPublicKey key, PaillierCiphertext[] bases, int exponentBits) {
    Objects.requireNonNull(key, "key");
    if (bases.length == 0 || exponentBits < 1 || exponentBits > 4096) {
      throw new IllegalArgumentException("need at least one base and exponentBits in [1, 4096], got "
          + bases.length + " and " + exponentBits);
    }
    for (PaillierCiphertext base : bases) {
      key.requireInRange(base);
    }
    return new PreparedBases(key, bases.length, exponentBits, Powers.of(key.residues(), bases, exponentBits));
  }

  /** Returns the public key the bases are ciphertexts under. */
  public PaillierPublicKey key() {
    return key;
  }

  /** Returns the number of bases. */
  public int count() {
    return count;
  }

  /** Returns the largest exponent width the bases were prepared for. */
  public int exponentBits() {
    return exponentBits;
  }

  /**
   * Returns an encryption of sum_i e_i m_i, where base i encrypts m_i, without new randomness.
   *
   * @throws IllegalArgumentException if the count differs or an exponent is negative or wider than
   *     {@link #exponentBits()}
   */
  public PaillierCiphertext product(BigInteger[] exponents) {
    if (exponents.length != count) {
      throw new IllegalArgumentException("prepared for " + count + " exponents, got " + exponents.length);
    }
    for (int i = 0; i < count; i++) {
      if (exponents[i].signum() < 0 || exponents[i].bitLength() > exponentBits) {
        throw new IllegalArgumentException("exponent " + i + " is negative or wider than " + exponentBits + " bits");
      }
    }
    BigInteger value = powers.product(exponents);
    return new PaillierCiphertext(value.signum() == 0 ? BigInteger.ONE : value);
  }

  /** The powers of every base, entry i * CHUNKS + k holding c_i^(2^(k chunkBits)). */
  private static final class Powers<R> {
    private final ResidueArithmetic<R> arithmetic;
    private final R[] entries;
    private final int chunkBits;

    private Powers(ResidueArithmetic<R> arithmetic, R[] entries, int chunkBits) {
      this.arithmetic = arithmetic;
      this.entries = entries;
      this.chunkBits = chunkBits;
    }

    static <R> Powers<R> of(ResidueArithmetic<R> arithmetic, PaillierCiphertext[] bases, int exponentBits) {
      int chunkBits = (exponentBits + CHUNKS - 1) / CHUNKS;
      R[] entries = arithmetic.newArray(bases.length * CHUNKS);
      for (int i = 0; i < bases.length; i++) {
        R power = arithmetic.enter(bases[i].value());
        entries[i * CHUNKS] = power;
        for (int k = 1; k < CHUNKS; k++) {
          for (int s = 0; s < chunkBits; s++) {
            power = arithmetic.square(power);
          }
          entries[i * CHUNKS + k] = power;
        }
      }
      return new Powers<>(arithmetic, entries, chunkBits);
    }

    BigInteger product(BigInteger[] exponents) {
      BigInteger[] digits = new BigInteger[entries.length];
      BigInteger chunkMask = BigInteger.ONE.shiftLeft(chunkBits).subtract(BigInteger.ONE);
      for (int i = 0; i < exponents.length; i++) {
        for (int k = 0; k < CHUNKS; k++) {
          digits[i * CHUNKS + k] = exponents[i].shiftRight(k * chunkBits).and(chunkMask);
        }
      }
      R acc = WideMultiExponentiation.bucket(arithmetic, entries, digits, chunkBits);
      return acc == null ? BigInteger.ONE : arithmetic.leave(acc);
    }
  }
}
