package dev.tandem.crypto.paillier;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * An opaque handle on a Paillier private key (the primes p and q); decrypts with the Chinese
 * remainder theorem.
 *
 * <p>Generated keys put the randomness in a small subgroup: p - 1 = 2 alpha_p k_p and q - 1 =
 * 2 alpha_q k_q with primes alpha_p, alpha_q of {@link PaillierParameters#subgroupBits()} bits, and
 * h_s = h^n mod n^2 for h of order alpha_p alpha_q in Z_n*. Every honest ciphertext is
 * (1 + n)^m h_s^a, and h_s^(alpha_p) = 1 mod p^2, so decryption computes
 * m_p = L_p(c^(alpha_p) mod p^2) h_p mod p with L_p(x) = (x - 1) / p and h_p =
 * L_p(g^(alpha_p) mod p^2)^-1 mod p, m_q likewise, and recombines them mod n: two exponentiations
 * with 256-bit exponents instead of the 1024-bit p - 1 and q - 1 (Paillier 1999, section 6's
 * subgroup variant; four times faster at 2048 bits). A ciphertext whose randomness lies outside
 * the subgroup decrypts to garbage, which only a party that did not follow the protocol can cause,
 * and only to its own result. Keys without a subgroup ({@link #fromPrimes}, older serialized keys)
 * decrypt with p - 1 and q - 1. The primes leave the handle only through
 * {@link #toBytesInsecure()}. Immutable and thread-safe.
 */
public final class PaillierPrivateKey {
  private static final byte FORMAT_VERSION = 1;
  private static final byte FORMAT_VERSION_SUBGROUP = 2;

  private final PaillierPublicKey publicKey;
  private final BigInteger p;
  private final BigInteger q;
  private final BigInteger pSquared;
  private final BigInteger qSquared;
  private final BigInteger pMinusOne;
  private final BigInteger qMinusOne;
  private final BigInteger alphaP;
  private final BigInteger alphaQ;
  private final BigInteger exponentP;
  private final BigInteger exponentQ;
  private final BigInteger hp;
  private final BigInteger hq;
  private final BigInteger qInverseModP;
  private final BigInteger lambda;
  private final BigInteger mu;

  private PaillierPrivateKey(PaillierParameters parameters, BigInteger p, BigInteger q, BigInteger hs,
      BigInteger alphaP, BigInteger alphaQ) {
    this.p = p;
    this.q = q;
    BigInteger n = p.multiply(q);
    this.publicKey = new PaillierPublicKey(parameters, n, hs);
    this.pSquared = p.multiply(p);
    this.qSquared = q.multiply(q);
    this.pMinusOne = p.subtract(BigInteger.ONE);
    this.qMinusOne = q.subtract(BigInteger.ONE);
    this.alphaP = alphaP;
    this.alphaQ = alphaQ;
    this.exponentP = alphaP != null ? alphaP : pMinusOne;
    this.exponentQ = alphaQ != null ? alphaQ : qMinusOne;
    BigInteger g = n.add(BigInteger.ONE);
    this.hp = lFunction(g.modPow(exponentP, pSquared), p).modInverse(p);
    this.hq = lFunction(g.modPow(exponentQ, qSquared), q).modInverse(q);
    this.qInverseModP = q.modInverse(p);
    this.lambda = pMinusOne.divide(pMinusOne.gcd(qMinusOne)).multiply(qMinusOne);
    this.mu = lambda.modInverse(n);
  }

  /**
   * Generates a key pair of the given parameter set from {@code random}.
   *
   * <p>p and q have equal length, p = q = 3 mod 4, gcd(p - 1, q - 1) = 2 and |p - q| &gt;
   * 2^(bits/2 - 100). With a subgroup size in the parameters, (p - 1)/2 = alpha_p k_p for a random
   * prime alpha_p of that size and a random odd k_p, and h_s = h^n mod n^2 with h =
   * x^((p-1)(q-1)/(alpha_p alpha_q)) mod n of order alpha_p alpha_q, for a uniform unit x. Without,
   * (p - 1)/2, (q - 1)/2 each have a prime factor of bits/2 - 62 bits and h_s is (-x^2)^n mod n^2
   * (Damgard, Jurik and Nielsen 2010). Takes about a second at 2048 bits.
   */
  public static PaillierPrivateKey generate(PaillierParameters parameters, SecureRandom random) {
    Objects.requireNonNull(parameters, "parameters");
    Objects.requireNonNull(random, "random");
    int primeBits = parameters.modulusBits() / 2;
    BigInteger minDistance = BigInteger.ONE.shiftLeft(primeBits - 100);
    BigInteger two = BigInteger.TWO;
    if (parameters.subgroupBits() > 0) {
      return generateWithSubgroup(parameters, primeBits, minDistance, random);
    }
    while (true) {
      BigInteger p = PaillierPrimes.generate(primeBits, random);
      BigInteger q = PaillierPrimes.generate(primeBits, random);
      if (p.subtract(q).abs().compareTo(minDistance) <= 0
          || !p.subtract(BigInteger.ONE).gcd(q.subtract(BigInteger.ONE)).equals(two)) {
        continue;
      }
      BigInteger n = p.multiply(q);
      BigInteger x;
      do {
        x = new BigInteger(n.bitLength(), random);
      } while (x.signum() == 0 || x.compareTo(n) >= 0 || !x.gcd(n).equals(BigInteger.ONE));
      return fromPrimes(parameters, p, q, x);
    }
  }

  private static PaillierPrivateKey generateWithSubgroup(PaillierParameters parameters, int primeBits,
      BigInteger minDistance, SecureRandom random) {
    while (true) {
      PaillierPrimes.SubgroupPrime sp = PaillierPrimes.generateWithSubgroup(primeBits, parameters.subgroupBits(), random);
      PaillierPrimes.SubgroupPrime sq = PaillierPrimes.generateWithSubgroup(primeBits, parameters.subgroupBits(), random);
      BigInteger p = sp.p();
      BigInteger q = sq.p();
      if (p.subtract(q).abs().compareTo(minDistance) <= 0 || sp.alpha().equals(sq.alpha())
          || !p.subtract(BigInteger.ONE).gcd(q.subtract(BigInteger.ONE)).equals(BigInteger.TWO)) {
        continue;
      }
      BigInteger n = p.multiply(q);
      BigInteger cofactor = p.subtract(BigInteger.ONE).multiply(q.subtract(BigInteger.ONE))
          .divide(sp.alpha().multiply(sq.alpha()));
      for (int tries = 0; tries < 64; tries++) {
        BigInteger x = new BigInteger(n.bitLength(), random);
        if (x.signum() == 0 || x.compareTo(n) >= 0 || !x.gcd(n).equals(BigInteger.ONE)) {
          continue;
        }
        BigInteger h = x.modPow(cofactor, n);
        // order exactly alpha_p alpha_q: not 1 mod p nor mod q (alpha_p, alpha_q are prime)
        if (h.mod(p).equals(BigInteger.ONE) || h.mod(q).equals(BigInteger.ONE)) {
          continue;
        }
        return new PaillierPrivateKey(parameters, p, q, h.modPow(n, n.multiply(n)), sp.alpha(), sq.alpha());
      }
    }
  }

  /**
   * Builds a key without a randomness subgroup from its primes and the unit x that defines
   * h = -x^2 mod n; used by known-answer tests.
   */
  static PaillierPrivateKey fromPrimes(PaillierParameters parameters, BigInteger p, BigInteger q, BigInteger x) {
    BigInteger n = p.multiply(q);
    BigInteger h = n.subtract(x.multiply(x).mod(n));
    return new PaillierPrivateKey(parameters, p, q, h.modPow(n, n.multiply(n)), null, null);
  }

  /** Returns the public key. */
  public PaillierPublicKey publicKey() {
    return publicKey;
  }

  /**
   * Decrypts {@code c} to its plaintext in [0, n).
   *
   * @throws IllegalArgumentException if c is not in (0, n^2) or shares a factor with n
   */
  public BigInteger decrypt(PaillierCiphertext c) {
    BigInteger value = publicKey.requireInRange(c).value();
    BigInteger residueP = value.mod(pSquared);
    BigInteger residueQ = value.mod(qSquared);
    // the unit check with the factors: two reductions instead of a gcd with n
    if (residueP.mod(p).signum() == 0 || residueQ.mod(q).signum() == 0) {
      throw new IllegalArgumentException("ciphertext shares a factor with n: not a unit mod n^2");
    }
    BigInteger mp = lFunction(residueP.modPow(exponentP, pSquared), p).multiply(hp).mod(p);
    BigInteger mq = lFunction(residueQ.modPow(exponentQ, qSquared), q).multiply(hq).mod(q);
    // m = mq + q * ((mp - mq) q^-1 mod p)
    return mp.subtract(mq).multiply(qInverseModP).mod(p).multiply(q).add(mq);
  }

  /**
   * Decrypts each ciphertext, using all cores.
   *
   * @throws IllegalArgumentException naming the index of the first invalid ciphertext
   */
  public BigInteger[] decryptAll(PaillierCiphertext[] ciphertexts) {
    Objects.requireNonNull(ciphertexts, "ciphertexts");
    for (int i = 0; i < ciphertexts.length; i++) {
      try {
        publicKey.requireInRange(ciphertexts[i]);
      } catch (IllegalArgumentException | NullPointerException e) {
        throw new IllegalArgumentException("ciphertext " + i + ": " + e.getMessage(), e);
      }
    }
    return IntStream.range(0, ciphertexts.length).parallel()
        .mapToObj(i -> {
          try {
            return decrypt(ciphertexts[i]);
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("ciphertext " + i + ": " + e.getMessage(), e);
          }
        }).toArray(BigInteger[]::new);
  }

  /** Decrypts with the textbook formula L(c^lambda mod n^2) mu mod n (tests and benchmarks). */
  BigInteger decryptWithoutCrt(PaillierCiphertext c) {
    BigInteger value = publicKey.requireValid(c).value();
    BigInteger n = publicKey.modulus();
    return lFunction(value.modPow(lambda, publicKey.nSquared()), n).multiply(mu).mod(n);
  }

  /**
   * Serializes the key, secrets included: a version byte, the parameter set id, p, q and h_s in
   * fixed-length big-endian, then alpha_p and alpha_q for a key with a randomness subgroup (version
   * 2). Whoever calls this takes over keeping the bytes secret.
   *
   * @throws IllegalStateException for a key with an unnamed testing parameter set
   */
  public byte[] toBytesInsecure() {
    PaillierParameters parameters = publicKey.parameters();
    if (parameters.id() == 0) {
      throw new IllegalStateException("keys of a testing parameter set are not serializable");
    }
    int primeBytes = primeBytes(parameters);
    int cBytes = parameters.ciphertextBytes();
    int alphaBytes = alphaP == null ? 0 : alphaBytes(parameters);
    byte[] out = new byte[2 + 2 * primeBytes + cBytes + 2 * alphaBytes];
    out[0] = alphaP == null ? FORMAT_VERSION : FORMAT_VERSION_SUBGROUP;
    out[1] = (byte) parameters.id();
    System.arraycopy(FixedLengthBytes.encode(p, primeBytes), 0, out, 2, primeBytes);
    System.arraycopy(FixedLengthBytes.encode(q, primeBytes), 0, out, 2 + primeBytes, primeBytes);
    int at = 2 + 2 * primeBytes;
    System.arraycopy(FixedLengthBytes.encode(publicKey.hs(), cBytes), 0, out, at, cBytes);
    if (alphaP != null) {
      System.arraycopy(FixedLengthBytes.encode(alphaP, alphaBytes), 0, out, at + cBytes, alphaBytes);
      System.arraycopy(FixedLengthBytes.encode(alphaQ, alphaBytes), 0, out, at + cBytes + alphaBytes, alphaBytes);
    }
    return out;
  }

  /**
   * Restores a key written by {@link #toBytesInsecure()}, checking that p and q are distinct
   * probable primes of half the modulus length and that h_s is an n-th residue; for version 2, that
   * alpha_p and alpha_q are primes of the parameters' subgroup size dividing p - 1 and q - 1, and
   * that h_s^(alpha_p) = 1 mod p^2 and h_s^(alpha_q) = 1 mod q^2.
   *
   * @throws IllegalArgumentException if the bytes do not hold such a key
   */
  public static PaillierPrivateKey fromBytesInsecure(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    if (bytes.length < 2) {
      throw new IllegalArgumentException("private key too short: " + bytes.length + " bytes");
    }
    if (bytes[0] != FORMAT_VERSION && bytes[0] != FORMAT_VERSION_SUBGROUP) {
      throw new IllegalArgumentException("unknown private key format version " + bytes[0]);
    }
    boolean subgroup = bytes[0] == FORMAT_VERSION_SUBGROUP;
    PaillierParameters parameters = PaillierParameters.byId(bytes[1]);
    int primeBytes = primeBytes(parameters);
    int cBytes = parameters.ciphertextBytes();
    if (subgroup && parameters.subgroupBits() == 0) {
      throw new IllegalArgumentException(parameters + " keys have no randomness subgroup");
    }
    int alphaBytes = subgroup ? alphaBytes(parameters) : 0;
    int length = 2 + 2 * primeBytes + cBytes + 2 * alphaBytes;
    if (bytes.length != length) {
      throw new IllegalArgumentException("private key for " + parameters + " (version " + bytes[0] + ") must be "
          + length + " bytes, got " + bytes.length);
    }
    BigInteger p = FixedLengthBytes.decode(bytes, 2, primeBytes);
    BigInteger q = FixedLengthBytes.decode(bytes, 2 + primeBytes, primeBytes);
    BigInteger hs = FixedLengthBytes.decode(bytes, 2 + 2 * primeBytes, cBytes);
    int primeBits = parameters.modulusBits() / 2;
    if (p.bitLength() != primeBits || q.bitLength() != primeBits || p.equals(q)
        || !p.isProbablePrime(64) || !q.isProbablePrime(64)) {
      throw new IllegalArgumentException("p and q must be distinct primes of " + primeBits + " bits");
    }
    BigInteger alphaP = null;
    BigInteger alphaQ = null;
    if (subgroup) {
      int at = 2 + 2 * primeBytes + cBytes;
      alphaP = FixedLengthBytes.decode(bytes, at, alphaBytes);
      alphaQ = FixedLengthBytes.decode(bytes, at + alphaBytes, alphaBytes);
      requireSubgroupPrime(alphaP, p, parameters.subgroupBits(), "alpha_p");
      requireSubgroupPrime(alphaQ, q, parameters.subgroupBits(), "alpha_q");
    }
    PaillierPrivateKey key = new PaillierPrivateKey(parameters, p, q, hs, alphaP, alphaQ);
    // h_s is an n-th residue mod n^2 iff h_s^(p-1) = 1 mod p^2 and h_s^(q-1) = 1 mod q^2; with a
    // subgroup, alpha_p divides p - 1 and the same test with alpha_p also bounds the order
    if (!hs.mod(key.pSquared).modPow(key.exponentP, key.pSquared).equals(BigInteger.ONE)
        || !hs.mod(key.qSquared).modPow(key.exponentQ, key.qSquared).equals(BigInteger.ONE)) {
      throw new IllegalArgumentException(subgroup ? "h_s is not an n-th residue of order alpha_p alpha_q mod n^2"
          : "h_s is not an n-th residue mod n^2");
    }
    return key;
  }

  private static void requireSubgroupPrime(BigInteger alpha, BigInteger prime, int bits, String name) {
    if (alpha.bitLength() != bits || !alpha.isProbablePrime(64)
        || prime.subtract(BigInteger.ONE).mod(alpha).signum() != 0) {
      throw new IllegalArgumentException(name + " must be a prime of " + bits + " bits dividing its prime minus one");
    }
  }

  private static int alphaBytes(PaillierParameters parameters) {
    return (parameters.subgroupBits() + 7) / 8;
  }

  /** Returns whether decryption uses the randomness subgroup's short exponents. */
  boolean hasSubgroup() {
    return alphaP != null;
  }

  private static int primeBytes(PaillierParameters parameters) {
    return (parameters.modulusBits() / 2 + 7) / 8;
  }

  private static BigInteger lFunction(BigInteger x, BigInteger divisor) {
    return x.subtract(BigInteger.ONE).divide(divisor);
  }

  @Override
  public String toString() {
    return "PaillierPrivateKey[" + publicKey + "]";
  }
}
