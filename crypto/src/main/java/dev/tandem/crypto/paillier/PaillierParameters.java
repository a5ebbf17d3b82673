package dev.tandem.crypto.paillier;

/**
 * A named Paillier parameter set: the modulus length and the length of the short random exponent
 * used for encryption randomness.
 *
 * <p>The short exponent is 4 times the security level of the modulus (NIST SP 800-57: 112 bits for
 * 2048, 128 for 3072, 80 for 1024): generic attacks on an l-bit exponent (baby-step giant-step,
 * Pollard's kangaroo) cost 2^(l/2), twice the security level. See the package documentation for
 * the assumption this rests on. {@link #DEFAULT} is {@link #BITS_2048}. Instances are immutable.
 */
public final class PaillierParameters {
  /** 2048-bit modulus, 448-bit random exponents; the default. */
  public static final PaillierParameters BITS_2048 = new PaillierParameters(1, "BITS_2048", 2048, 448);
  /** 3072-bit modulus, 512-bit random exponents. */
  public static final PaillierParameters BITS_3072 = new PaillierParameters(2, "BITS_3072", 3072, 512);
  /** 1024-bit modulus, 320-bit random exponents: too weak for real data, for fast tests only. */
  public static final PaillierParameters BITS_1024_TESTING_ONLY =
      new PaillierParameters(3, "BITS_1024_TESTING_ONLY", 1024, 320);
  /** The parameter set to use unless there is a reason not to. */
  public static final PaillierParameters DEFAULT = BITS_2048;

  private static final PaillierParameters[] NAMED = {BITS_2048, BITS_3072, BITS_1024_TESTING_ONLY};

  private final int id;
  private final String name;
  private final int modulusBits;
  private final int shortExponentBits;

  private PaillierParameters(int id, String name, int modulusBits, int shortExponentBits) {
    this.id = id;
    this.name = name;
    this.modulusBits = modulusBits;
    this.shortExponentBits = shortExponentBits;
  }

  /**
   * Returns an unnamed parameter set for known-answer tests with tiny moduli; it cannot be
   * serialized.
   */
  static PaillierParameters forTesting(int modulusBits, int shortExponentBits) {
    if (modulusBits < 4) {
      throw new IllegalArgumentException("modulusBits must be >= 4, got " + modulusBits);
    }
    if (shortExponentBits <= 0 || shortExponentBits % 8 != 0) {
      throw new IllegalArgumentException(
          "shortExponentBits must be a positive multiple of 8, got " + shortExponentBits);
    }
    return new PaillierParameters(0, "TESTING_" + modulusBits, modulusBits, shortExponentBits);
  }

  /**
   * Returns the named set with the given serialized id.
   *
   * @throws IllegalArgumentException if no named set has this id
   */
  static PaillierParameters byId(int id) {
    for (PaillierParameters p : NAMED) {
      if (p.id == id) {
        return p;
      }
    }
    throw new IllegalArgumentException("unknown Paillier parameter set id " + id);
  }

  /**
   * Returns the named set called {@code name}, such as "BITS_2048".
   *
   * @throws IllegalArgumentException if there is no such set
   */
  public static PaillierParameters byName(String name) {
    for (PaillierParameters p : NAMED) {
      if (p.name.equals(name)) {
        return p;
      }
    }
    throw new IllegalArgumentException("unknown Paillier parameter set " + name);
  }

  /** Returns the stable id written into serialized keys; 0 for a testing set. */
  int id() {
    return id;
  }

  /** Returns the name, such as "BITS_2048". */
  public String name() {
    return name;
  }

  /** Returns the bit length of the modulus n. */
  public int modulusBits() {
    return modulusBits;
  }

  /** Returns the bit length of the random exponent a in the randomness h_s^a. */
  public int shortExponentBits() {
    return shortExponentBits;
  }

  /** Returns the byte length of a serialized ciphertext (an element of Z_{n^2}). */
  public int ciphertextBytes() {
    return (2 * modulusBits + 7) / 8;
  }

  /** Returns the byte length of the serialized modulus. */
  int modulusBytes() {
    return (modulusBits + 7) / 8;
  }

  @Override
  public String toString() {
    return name;
  }
}
