package dev.tandem.crypto.paillier;

import java.math.BigInteger;
import java.security.SecureRandom;

/**
 * Generates the primes of a Paillier modulus.
 *
 * <p>Each prime p of {@code bits} bits is 2 k p' + 1 with p' a random prime of bits - 62 bits and
 * k a random odd number below 2^62, so p = 3 mod 4 and (p - 1) / 2 = k p' is odd with a prime
 * factor of bits - 62 bits ("safe-ish": no Pollard p - 1 shortcut, and h = -x^2 has large order).
 * The two top bits of p are set, so a product of two such primes has exactly 2 * bits bits.
 * Candidates are sieved by the odd primes below 2^12 before the JDK's Miller-Rabin plus Lucas
 * test.
 */
final class PaillierPrimes {
  private static final int COFACTOR_BITS = 62;
  private static final int PRIME_CERTAINTY = 128;
  private static final int[] SMALL_PRIMES = smallOddPrimes(1 << 12);

  private PaillierPrimes() {}

  static BigInteger generate(int bits, SecureRandom random) {
    if (bits < 2 * COFACTOR_BITS) {
      throw new IllegalArgumentException("prime length must be >= " + 2 * COFACTOR_BITS + ", got " + bits);
    }
    BigInteger low = BigInteger.valueOf(3).shiftLeft(bits - 2); // smallest value with the two top bits set
    BigInteger high = BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE);
    while (true) {
      BigInteger largeFactor = BigInteger.probablePrime(bits - COFACTOR_BITS, random);
      BigInteger step = largeFactor.shiftLeft(1); // p = step * k + 1
      long kMin = low.subtract(BigInteger.ONE).add(step).subtract(BigInteger.ONE).divide(step).longValueExact();
      long kMax = high.subtract(BigInteger.ONE).divide(step).longValueExact();
      int[] stepResidues = new int[SMALL_PRIMES.length];
      for (int i = 0; i < SMALL_PRIMES.length; i++) {
        stepResidues[i] = step.mod(BigInteger.valueOf(SMALL_PRIMES[i])).intValue();
      }
      for (int attempt = 0; attempt < 40 * bits; attempt++) {
        long k = (kMin + nextLong(random, kMax - kMin + 1)) | 1L;
        if (k > kMax || !survivesSieve(k, stepResidues)) {
          continue;
        }
        BigInteger candidate = step.multiply(BigInteger.valueOf(k)).add(BigInteger.ONE);
        if (candidate.isProbablePrime(PRIME_CERTAINTY)) {
          return candidate;
        }
      }
    }
  }

  private static boolean survivesSieve(long k, int[] stepResidues) {
    for (int i = 0; i < SMALL_PRIMES.length; i++) {
      int s = SMALL_PRIMES[i];
      if (((k % s) * stepResidues[i] + 1) % s == 0) {
        return false;
      }
    }
    return true;
  }

  /** Returns a uniform long in [0, bound) for 0 &lt; bound &lt;= 2^62. */
  private static long nextLong(SecureRandom random, long bound) {
    long bits;
    long value;
    do {
      bits = random.nextLong() >>> 1;
      value = bits % bound;
    } while (bits - value + (bound - 1) < 0);
    return value;
  }

  private static int[] smallOddPrimes(int limit) {
    boolean[] composite = new boolean[limit];
    int count = 0;
    for (int i = 3; i < limit; i += 2) {
      if (!composite[i]) {
        count++;
        for (int j = i * i; j < limit; j += 2 * i) {
          composite[j] = true;
        }
      }
    }
    int[] primes = new int[count];
    int next = 0;
    for (int i = 3; i < limit; i += 2) {
      if (!composite[i]) {
        primes[next++] = i;
      }
    }
    return primes;
  }
}
