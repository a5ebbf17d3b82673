package dev.tandem.crypto.paillier;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * An opaque handle on a Paillier private key (the primes p and q); decrypts with the Chinese
 * remainder theorem.
 *
 * <p>Decryption computes m_p = L_p(c^(p-1) mod p^2) h_p mod p and m_q likewise, with
 * L_p(x) = (x - 1) / p and h_p = L_p(g^(p-1) mod p^2)^-1 mod p precomputed, and recombines them
 * mod n: two exponentiations with half-length exponents modulo half-length moduli instead of one
 * c^lambda mod n^2 (Paillier 1999, section 7). The primes leave the handle only through
 * {@link #toBytesInsecure()}. Immutable and thread-safe.
 */
public final class PaillierPrivateKey {
  private static final byte FORMAT_VERSION = 1;

  private final PaillierPublicKey publicKey;
  private final BigInteger p;
  private final BigInteger q;
  private final BigInteger pSquared;
  private final BigInteger qSquared;
  private final BigInteger pMinusOne;
  private final BigInteger qMinusOne;
  private final BigInteger hp;
  private final BigInteger hq;
  private final BigInteger qInverseModP;
  private final BigInteger lambda;
  private final BigInteger mu;

  private PaillierPrivateKey(PaillierParameters parameters, BigInteger p, BigInteger q, BigInteger hs) {
    this.p = p;
    this.q = q;
    BigInteger n = p.multiply(q);
    this.publicKey = new PaillierPublicKey(parameters, n, hs);
    this.pSquared = p.multiply(p);
    this.qSquared = q.multiply(q);
    this.pMinusOne = p.subtract(BigInteger.ONE);
    this.qMinusOne = q.subtract(BigInteger.ONE);
    BigInteger g = n.add(BigInteger.ONE);
    this.hp = lFunction(g.modPow(pMinusOne, pSquared), p).modInverse(p);
    this.hq = lFunction(g.modPow(qMinusOne, qSquared), q).modInverse(q);
    this.qInverseModP = q.modInverse(p);
    this.lambda = pMinusOne.divide(pMinusOne.gcd(qMinusOne)).multiply(qMinusOne);
    this.mu = lambda.modInverse(n);
  }

  /**
   * Generates a key pair of the given parameter set from {@code random}.
   *
   * <p>p and q have equal length, p = q = 3 mod 4, gcd(p - 1, q - 1) = 2, |p - q| &gt;
   * 2^(bits/2 - 100), and (p - 1)/2, (q - 1)/2 each have a prime factor of bits/2 - 62 bits. h_s is
   * (-x^2)^n mod n^2 for a uniform unit x of Z_n (Damgard, Jurik and Nielsen 2010). Takes about a
   * second at 2048 bits.
   */
  public static PaillierPrivateKey generate(PaillierParameters parameters, SecureRandom random) {
    Objects.requireNonNull(parameters, "parameters");
    Objects.requireNonNull(random, "random");
    int primeBits = parameters.modulusBits() / 2;
    BigInteger minDistance = BigInteger.ONE.shiftLeft(primeBits - 100);
    BigInteger two = BigInteger.TWO;
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

  /**
   * Builds a key from its primes and the unit x that defines h = -x^2 mod n; used by generation
   * and by known-answer tests.
   */
  static PaillierPrivateKey fromPrimes(PaillierParameters parameters, BigInteger p, BigInteger q, BigInteger x) {
    BigInteger n = p.multiply(q);
    BigInteger h = n.subtract(x.multiply(x).mod(n));
    return new PaillierPrivateKey(parameters, p, q, h.modPow(n, n.multiply(n)));
  }

  /** Returns phi(n) = (p - 1)(q - 1), for {@link ModulusProof}. */
  BigInteger phi() {
    return pMinusOne.multiply(qMinusOne);
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
    BigInteger mp = lFunction(residueP.modPow(pMinusOne, pSquared), p).multiply(hp).mod(p);
    BigInteger mq = lFunction(residueQ.modPow(qMinusOne, qSquared), q).multiply(hq).mod(q);
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
   * fixed-length big-endian. Whoever calls this takes over keeping the bytes secret.
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
    byte[] out = new byte[2 + 2 * primeBytes + cBytes];
    out[0] = FORMAT_VERSION;
    out[1] = (byte) parameters.id();
    System.arraycopy(FixedLengthBytes.encode(p, primeBytes), 0, out, 2, primeBytes);
    System.arraycopy(FixedLengthBytes.encode(q, primeBytes), 0, out, 2 + primeBytes, primeBytes);
    System.arraycopy(FixedLengthBytes.encode(publicKey.hs(), cBytes), 0, out, 2 + 2 * primeBytes, cBytes);
    return out;
  }

  /**
   * Restores a key written by {@link #toBytesInsecure()}, checking that p and q are distinct
   * probable primes of half the modulus length and that h_s is an n-th residue.
   *
   * @throws IllegalArgumentException if the bytes do not hold such a key
   */
  public static PaillierPrivateKey fromBytesInsecure(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    if (bytes.length < 2) {
      throw new IllegalArgumentException("private key too short: " + bytes.length + " bytes");
    }
    if (bytes[0] != FORMAT_VERSION) {
      throw new IllegalArgumentException("unknown private key format version " + bytes[0]);
    }
    PaillierParameters parameters = PaillierParameters.byId(bytes[1]);
    int primeBytes = primeBytes(parameters);
    int cBytes = parameters.ciphertextBytes();
    if (bytes.length != 2 + 2 * primeBytes + cBytes) {
      throw new IllegalArgumentException("private key for " + parameters + " must be "
          + (2 + 2 * primeBytes + cBytes) + " bytes, got " + bytes.length);
    }
    BigInteger p = FixedLengthBytes.decode(bytes, 2, primeBytes);
    BigInteger q = FixedLengthBytes.decode(bytes, 2 + primeBytes, primeBytes);
    BigInteger hs = FixedLengthBytes.decode(bytes, 2 + 2 * primeBytes, cBytes);
    int primeBits = parameters.modulusBits() / 2;
    if (p.bitLength() != primeBits || q.bitLength() != primeBits || p.equals(q)
        || !p.isProbablePrime(64) || !q.isProbablePrime(64)) {
      throw new IllegalArgumentException("p and q must be distinct primes of " + primeBits + " bits");
    }
    PaillierPrivateKey key = new PaillierPrivateKey(parameters, p, q, hs);
    // h_s is an n-th residue mod n^2 iff h_s^(p-1) = 1 mod p^2 and h_s^(q-1) = 1 mod q^2
    if (!hs.mod(key.pSquared).modPow(key.pMinusOne, key.pSquared).equals(BigInteger.ONE)
        || !hs.mod(key.qSquared).modPow(key.qMinusOne, key.qSquared).equals(BigInteger.ONE)) {
      throw new IllegalArgumentException("h_s is not an n-th residue mod n^2");
    }
    return key;
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
