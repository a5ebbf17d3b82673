package dev.tandem.crypto.paillier;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/**
 * A Paillier public key (n, h_s) with g = n + 1: encrypts, adds ciphertexts, adds plaintexts and
 * multiplies ciphertexts by plaintext scalars.
 *
 * <p>Encryption of m in [0, n) is (1 + m n) * h_s^a mod n^2 with a uniform in
 * [0, 2^{@link PaillierParameters#shortExponentBits()}). The first 256 single encryptions compute
 * h_s^a with {@code modPow}; after them, or after {@link #precompute()}, {@link #encryptAll} or
 * starting an {@link ObfuscatorPool}, it comes from a fixed-base table (about 27 MB and a second
 * to build at 2048 bits, then about 6 times faster). Results of homomorphic operations carry
 * randomness derived from their inputs; {@link #rerandomize} before sending one to the holder of
 * the private key when that
 * matters. Every operation checks 0 &lt; c &lt; n^2 for its ciphertext arguments and throws
 * {@link IllegalArgumentException} otherwise. Immutable and thread-safe.
 */
public final class PaillierPublicKey {
  static final int ENCRYPTIONS_BEFORE_TABLE = 256;
  private static final byte FORMAT_VERSION = 1;

  private final PaillierParameters parameters;
  private final BigInteger n;
  private final BigInteger nSquared;
  private final BigInteger hs;
  private final SplitModulus split;
  private final MontgomeryModulus montgomery;
  private final BarrettReducer modNSquared;
  private volatile FixedBaseTable table;
  private final AtomicInteger encryptionsWithoutTable = new AtomicInteger();

  /**
   * Checks and wraps a public key.
   *
   * @throws IllegalArgumentException if n is not odd of the parameter set's length, or h_s is not
   *     a unit of Z_{n^2} other than 1 mod n
   */
  PaillierPublicKey(PaillierParameters parameters, BigInteger n, BigInteger hs) {
    this.parameters = Objects.requireNonNull(parameters, "parameters");
    Objects.requireNonNull(n, "n");
    Objects.requireNonNull(hs, "hs");
    if (n.bitLength() != parameters.modulusBits() || !n.testBit(0)) {
      throw new IllegalArgumentException("modulus must be odd with " + parameters.modulusBits()
          + " bits, got " + n.bitLength() + " bits" + (n.testBit(0) ? "" : ", even"));
    }
    this.n = n;
    this.nSquared = n.multiply(n);
    if (hs.signum() <= 0 || hs.compareTo(nSquared) >= 0) {
      throw new IllegalArgumentException("h_s must be in (0, n^2)");
    }
    if (hs.mod(n).equals(BigInteger.ONE) || !hs.gcd(n).equals(BigInteger.ONE)) {
      throw new IllegalArgumentException("h_s must be a unit mod n^2 and not 1 mod n");
    }
    this.hs = hs;
    this.split = new SplitModulus(n);
    this.montgomery = MontgomeryModulus.forModulus(nSquared).orElse(null);
    this.modNSquared = new BarrettReducer(nSquared);
  }

  /** Returns the parameter set. */
  public PaillierParameters parameters() {
    return parameters;
  }

  /** Returns the modulus n; plaintexts live in Z_n. */
  public BigInteger modulus() {
    return n;
  }

  /**
   * Serializes the key: a version byte, the parameter set id, n and h_s in fixed-length big-endian.
   *
   * @throws IllegalStateException for a key with an unnamed testing parameter set
   */
  public byte[] toBytes() {
    if (parameters.id() == 0) {
      throw new IllegalStateException("keys of a testing parameter set are not serializable");
    }
    int nBytes = parameters.modulusBytes();
    int cBytes = parameters.ciphertextBytes();
    byte[] out = new byte[2 + nBytes + cBytes];
    out[0] = FORMAT_VERSION;
    out[1] = (byte) parameters.id();
    System.arraycopy(FixedLengthBytes.encode(n, nBytes), 0, out, 2, nBytes);
    System.arraycopy(FixedLengthBytes.encode(hs, cBytes), 0, out, 2 + nBytes, cBytes);
    return out;
  }

  /**
   * Parses a key written by {@link #toBytes()}.
   *
   * @throws IllegalArgumentException if the version, parameter set, length or values are invalid
   */
  public static PaillierPublicKey fromBytes(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    if (bytes.length < 2) {
      throw new IllegalArgumentException("public key too short: " + bytes.length + " bytes");
    }
    if (bytes[0] != FORMAT_VERSION) {
      throw new IllegalArgumentException("unknown public key format version " + bytes[0]);
    }
    PaillierParameters parameters = PaillierParameters.byId(bytes[1]);
    int nBytes = parameters.modulusBytes();
    int cBytes = parameters.ciphertextBytes();
    if (bytes.length != 2 + nBytes + cBytes) {
      throw new IllegalArgumentException("public key for " + parameters + " must be "
          + (2 + nBytes + cBytes) + " bytes, got " + bytes.length);
    }
    return new PaillierPublicKey(parameters, FixedLengthBytes.decode(bytes, 2, nBytes),
        FixedLengthBytes.decode(bytes, 2 + nBytes, cBytes));
  }

  /** Builds the fixed-base encryption table now instead of at the first encryption. */
  public void precompute() {
    table();
  }

  /**
   * Encrypts {@code plaintext}, an element of [0, n), with fresh randomness.
   *
   * @throws IllegalArgumentException if the plaintext is outside [0, n)
   */
  public PaillierCiphertext encrypt(BigInteger plaintext, SecureRandom random) {
    requirePlaintext(plaintext);
    return encryptWith(plaintext, newObfuscator(Objects.requireNonNull(random, "random")));
  }

  /**
   * Encrypts {@code plaintext} with textbook randomness r^n for a uniform unit r of Z_n: for the
   * masks of a product that the key holder will decrypt (share conversions). The short-exponent
   * randomness h_s^a of {@link #encrypt} hides plaintexts from everyone but the key holder; it does
   * not hide a product's randomness from the key holder itself, who chose h_s and the randomness of
   * the ciphertexts it sent and, knowing p and q, can take n-th roots and (with a smooth p - 1)
   * discrete logarithms: from prod c_i^(e_i) h_s^a it would read the exponents e_i. A uniform n-th
   * residue makes the product's randomness uniform whatever the key holder chose, provided
   * gcd(n, phi(n)) = 1 ({@link ModulusProof}). One exponentiation with an |n|-bit exponent mod n^2
   * (about 13 ms at 2048 bits, against 0.5 ms for {@link #encrypt}).
   *
   * @throws IllegalArgumentException if the plaintext is outside [0, n)
   */
  public PaillierCiphertext encryptHiding(BigInteger plaintext, SecureRandom random) {
    requirePlaintext(plaintext);
    return encryptWith(plaintext, newObfuscatorHiding(Objects.requireNonNull(random, "random")));
  }

  /**
   * Encrypts each plaintext with fresh randomness, using all cores.
   *
   * @throws IllegalArgumentException naming the index of the first plaintext outside [0, n)
   */
  public PaillierCiphertext[] encryptAll(BigInteger[] plaintexts, SecureRandom random) {
    Objects.requireNonNull(random, "random");
    requirePlaintexts(plaintexts);
    precompute();
    return IntStream.range(0, plaintexts.length).parallel()
        .mapToObj(i -> encryptWith(plaintexts[i], newObfuscator(random)))
        .toArray(PaillierCiphertext[]::new);
  }

  /** Returns an encryption of the sum of the plaintexts of {@code a} and {@code b}, mod n. */
  public PaillierCiphertext add(PaillierCiphertext a, PaillierCiphertext b) {
    requireInRange(a);
    requireInRange(b);
    return new PaillierCiphertext(modNSquared.multiply(a.value(), b.value()));
  }

  /**
   * Returns an encryption of the sum of all plaintexts, mod n.
   *
   * @throws IllegalArgumentException if {@code ciphertexts} is empty
   */
  public PaillierCiphertext sum(PaillierCiphertext[] ciphertexts) {
    Objects.requireNonNull(ciphertexts, "ciphertexts");
    if (ciphertexts.length == 0) {
      throw new IllegalArgumentException("nothing to sum");
    }
    BigInteger acc = requireInRange(ciphertexts[0]).value();
    for (int i = 1; i < ciphertexts.length; i++) {
      acc = modNSquared.multiply(acc, requireInRange(ciphertexts[i]).value());
    }
    return new PaillierCiphertext(acc);
  }

  /**
   * Returns an encryption of m + {@code plaintext} mod n, without new randomness.
   *
   * @throws IllegalArgumentException if the plaintext is outside [0, n)
   */
  public PaillierCiphertext addPlaintext(PaillierCiphertext c, BigInteger plaintext) {
    requireInRange(c);
    requirePlaintext(plaintext);
    // c * (1 + k n) = c + n * (k c mod n)  (mod n^2)
    BigInteger shift = split.reduce(plaintext.multiply(split.reduce(c.value())));
    BigInteger sum = c.value().add(n.multiply(shift));
    return new PaillierCiphertext(sum.compareTo(nSquared) >= 0 ? sum.subtract(nSquared) : sum);
  }

  /** Returns an encryption of the difference of the plaintexts of {@code a} and {@code b}, mod n. */
  public PaillierCiphertext subtract(PaillierCiphertext a, PaillierCiphertext b) {
    return add(a, negate(b));
  }

  /** Returns an encryption of -m mod n: the inverse of {@code c} mod n^2. */
  public PaillierCiphertext negate(PaillierCiphertext c) {
    return new PaillierCiphertext(inverse(requireInRange(c).value()));
  }

  /** Returns an encryption of {@code scalar} * m mod n; a negative scalar costs one inversion. */
  public PaillierCiphertext multiply(PaillierCiphertext c, long scalar) {
    return multiply(c, BigInteger.valueOf(scalar));
  }

  /**
   * Returns an encryption of {@code scalar} * m mod n, for a signed scalar with |scalar| &lt; n.
   *
   * @throws IllegalArgumentException if |scalar| &gt;= n
   */
  public PaillierCiphertext multiply(PaillierCiphertext c, BigInteger scalar) {
    requireInRange(c);
    Objects.requireNonNull(scalar, "scalar");
    if (scalar.abs().compareTo(n) >= 0) {
      throw new IllegalArgumentException("|scalar| must be < n, got " + scalar.bitLength() + " bits");
    }
    BigInteger base = scalar.signum() < 0 ? inverse(c.value()) : c.value();
    return new PaillierCiphertext(base.modPow(scalar.abs(), nSquared));
  }

  /** Returns a fresh encryption of the same plaintext: {@code c} times new randomness. */
  public PaillierCiphertext rerandomize(PaillierCiphertext c, SecureRandom random) {
    requireInRange(c);
    return rerandomizeWith(c, newObfuscator(Objects.requireNonNull(random, "random")));
  }

  /**
   * Returns {@code c} after checking 0 &lt; c &lt; n^2 and gcd(c, n) = 1.
   *
   * @throws IllegalArgumentException if either check fails
   */
  public PaillierCiphertext requireValid(PaillierCiphertext c) {
    requireInRange(c);
    if (!c.value().gcd(n).equals(BigInteger.ONE)) {
      throw new IllegalArgumentException("ciphertext shares a factor with n: not a unit mod n^2");
    }
    return c;
  }

  /**
   * Checks gcd(c, n) = 1 for every ciphertext with one gcd: the product of all values mod n is a
   * unit exactly when each value is. A failing batch is checked value by value.
   *
   * @throws IllegalArgumentException naming the index of the first value that shares a factor with n
   */
  void requireUnits(PaillierCiphertext[] values) {
    BigInteger product = BigInteger.ONE;
    for (PaillierCiphertext c : values) {
      product = split.multiplyModN(product, split.reduce(c.value()));
    }
    if (product.gcd(n).equals(BigInteger.ONE)) {
      return;
    }
    for (int i = 0; i < values.length; i++) {
      if (!values[i].value().gcd(n).equals(BigInteger.ONE)) {
        throw new IllegalArgumentException("ciphertext " + i + " shares a factor with n: not a unit mod n^2");
      }
    }
  }

  PaillierCiphertext requireInRange(PaillierCiphertext c) {
    Objects.requireNonNull(c, "ciphertext");
    if (c.value().compareTo(nSquared) >= 0) {
      throw new IllegalArgumentException("ciphertext must be in (0, n^2), got a value of "
          + c.value().bitLength() + " bits >= n^2");
    }
    return c;
  }

  void requirePlaintext(BigInteger m) {
    Objects.requireNonNull(m, "plaintext");
    if (m.signum() < 0 || m.compareTo(n) >= 0) {
      throw new IllegalArgumentException("plaintext must be in [0, n), got "
          + (m.signum() < 0 ? "a negative value" : "a value of " + m.bitLength() + " bits >= n"));
    }
  }

  void requirePlaintexts(BigInteger[] plaintexts) {
    Objects.requireNonNull(plaintexts, "plaintexts");
    for (int i = 0; i < plaintexts.length; i++) {
      try {
        requirePlaintext(plaintexts[i]);
      } catch (IllegalArgumentException | NullPointerException e) {
        throw new IllegalArgumentException("plaintext " + i + ": " + e.getMessage(), e);
      }
    }
  }

  /** Returns n^2, the modulus of ciphertexts. */
  public BigInteger nSquared() {
    return nSquared;
  }

  BigInteger hs() {
    return hs;
  }

  BarrettReducer modNSquared() {
    return modNSquared;
  }

  SplitModulus split() {
    return split;
  }

  /** Returns the fastest multiplication mod n^2 this JVM offers (see {@link MontgomeryModulus}). */
  ResidueArithmetic<?> residues() {
    return montgomery != null ? montgomery : split;
  }

  /**
   * Returns value^-1 mod n^2 for 0 &lt; value &lt; n^2: the inverse x mod n (a quarter of the cost of inverting mod n^2
   * directly), lifted by one Newton step, x (2 - value x) mod n^2, exact since value x = 1 mod n.
   */
  BigInteger inverse(BigInteger value) {
    try {
      BigInteger x = split.reduce(value).modInverse(n);
      BigInteger twoMinusError = nSquared.add(BigInteger.TWO).subtract(modNSquared.multiply(value, x));
      if (twoMinusError.compareTo(nSquared) >= 0) {
        twoMinusError = twoMinusError.subtract(nSquared);
      }
      return modNSquared.multiply(x, twoMinusError);
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("ciphertext shares a factor with n: not a unit mod n^2", e);
    }
  }

  /**
   * Returns fresh randomness h_s^a: from the fixed-base table once it is built or after
   * {@link #ENCRYPTIONS_BEFORE_TABLE} calls, else with one {@code modPow}.
   */
  Obfuscator newObfuscator(SecureRandom random) {
    if (table == null && encryptionsWithoutTable.incrementAndGet() <= ENCRYPTIONS_BEFORE_TABLE) {
      return newObfuscatorWithoutTable(random);
    }
    byte[] exponent = new byte[parameters.shortExponentBits() / 8];
    random.nextBytes(exponent);
    SplitModulus.Split residue = table().pow(exponent);
    return new Obfuscator(split.join(residue), residue.low());
  }

  /** Returns h_s^a computed with one {@code modPow} (the short exponent without table). */
  Obfuscator newObfuscatorWithoutTable(SecureRandom random) {
    BigInteger a = new BigInteger(parameters.shortExponentBits(), random);
    return obfuscator(hs.modPow(a, nSquared));
  }

  /** Returns textbook randomness r^n mod n^2 for a uniform unit r of Z_n (see {@link #encryptHiding}). */
  Obfuscator newObfuscatorHiding(SecureRandom random) {
    BigInteger r;
    do {
      r = new BigInteger(n.bitLength(), random);
    } while (r.signum() == 0 || r.compareTo(n) >= 0 || !r.gcd(n).equals(BigInteger.ONE));
    return obfuscator(r.modPow(n, nSquared));
  }

  /** Returns the randomness h_s^a for a given exponent (known-answer tests). */
  Obfuscator obfuscatorForExponent(BigInteger a) {
    return obfuscator(hs.modPow(a, nSquared));
  }

  Obfuscator obfuscator(BigInteger residue) {
    return new Obfuscator(residue, split.reduce(residue));
  }

  /** Returns (1 + m n) r^n mod n^2, computed as r^n + n * (m * r^n mod n). */
  PaillierCiphertext encryptWith(BigInteger m, Obfuscator obfuscator) {
    BigInteger shift = split.reduce(m.multiply(obfuscator.residueModN()));
    BigInteger c = obfuscator.residue().add(n.multiply(shift));
    return new PaillierCiphertext(c.compareTo(nSquared) >= 0 ? c.subtract(nSquared) : c);
  }

  PaillierCiphertext rerandomizeWith(PaillierCiphertext c, Obfuscator obfuscator) {
    return new PaillierCiphertext(modNSquared.multiply(c.value(), obfuscator.residue()));
  }

  FixedBaseTable table() {
    FixedBaseTable t = table;
    if (t == null) {
      synchronized (this) {
        t = table;
        if (t == null) {
          t = new FixedBaseTable(hs, parameters.shortExponentBits(), nSquared, split);
          table = t;
        }
      }
    }
    return t;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PaillierPublicKey k
        && k.parameters == parameters && k.n.equals(n) && k.hs.equals(hs);
  }

  @Override
  public int hashCode() {
    return Objects.hash(parameters.name(), n, hs);
  }

  @Override
  public String toString() {
    String hex = n.toString(16);
    return "PaillierPublicKey[" + parameters + ", n=" + hex.substring(0, Math.min(16, hex.length()))
        + "...]";
  }
}
