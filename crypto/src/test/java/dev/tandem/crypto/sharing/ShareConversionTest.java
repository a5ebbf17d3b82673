package dev.tandem.crypto.sharing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.crypto.paillier.PaillierCiphertext;
import dev.tandem.crypto.paillier.PaillierParameters;
import dev.tandem.crypto.paillier.PaillierPrivateKey;
import dev.tandem.crypto.paillier.PaillierPublicKey;
import java.math.BigInteger;
import java.security.SecureRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Share conversion gives shares that add up to the product, and the key holder's view is uniform
 * whatever it encrypted: a key holder that packs a basis into its "features" learns nothing about
 * the other party's exponents.
 */
class ShareConversionTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static PaillierPrivateKey secret;
  private static PaillierPublicKey key;

  @BeforeAll
  static void keys() {
    secret = PaillierPrivateKey.generate(PaillierParameters.BITS_1024_TESTING_ONLY, RANDOM);
    key = secret.publicKey();
  }

  private static int[][] randomMatrix(int rows, int cols) {
    int[][] x = new int[rows][cols];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        x[i][j] = RANDOM.nextInt(1 << 16) - (1 << 15) + 1;
      }
    }
    return x;
  }

  private static void assertWithinCarry(BigInteger expected, BigInteger got, String what) {
    BigInteger diff = Ring.signed(Ring.subtract(got, expected));
    assertTrue(diff.signum() >= 0 && diff.compareTo(BigInteger.ONE) <= 0, what + ": off by " + diff);
  }

  @Test
  void rowProduct_sharesAddUpToTransposeTimes() {
    int rows = 40;
    int d = 5;
    int[][] x = randomMatrix(rows, d);
    SlotLayout layout = SlotLayout.forSums(key, 15, rows);
    PaillierCiphertext[][] enc = PackedMatrix.encryptRows(key, layout, x, RANDOM);
    BigInteger[] e = new BigInteger[rows];
    PaillierCiphertext[] bases = new PaillierCiphertext[rows];
    for (int i = 0; i < rows; i++) {
      e[i] = Ring.random(RANDOM);
      bases[i] = enc[i][0];
    }
    ShareConversion.Masked masked = ShareConversion.mask(key, ShareConversion.product(key, bases, e), layout, d, RANDOM);
    BigInteger[] holder = ShareConversion.open(secret, masked.ciphertext(), layout, d);
    for (int j = 0; j < d; j++) {
      BigInteger expected = BigInteger.ZERO;
      for (int i = 0; i < rows; i++) {
        expected = Ring.add(expected, Ring.multiply(e[i], x[i][j]));
      }
      assertWithinCarry(expected, Ring.add(holder[j], masked.shares()[j]), "feature " + j);
    }
  }

  @Test
  void columnProduct_sharesAddUpToMatrixTimes() {
    int d = 4;
    int[][] x = randomMatrix(7, d);
    SlotLayout layout = SlotLayout.forSums(key, 15, d);
    int[][] groups = {{6, 0, 3}, {1, 2}};
    PaillierCiphertext[][] enc = PackedMatrix.encryptColumns(key, layout, x, groups, RANDOM);
    BigInteger[] w = new BigInteger[d];
    for (int j = 0; j < d; j++) {
      w[j] = Ring.random(RANDOM);
    }
    for (int g = 0; g < groups.length; g++) {
      int used = groups[g].length;
      ShareConversion.Masked masked = ShareConversion.mask(key, ShareConversion.product(key, enc[g], w), layout, used, RANDOM);
      BigInteger[] holder = ShareConversion.open(secret, masked.ciphertext(), layout, used);
      for (int s = 0; s < used; s++) {
        BigInteger expected = BigInteger.ZERO;
        for (int j = 0; j < d; j++) {
          expected = Ring.add(expected, Ring.multiply(w[j], x[groups[g][s]][j]));
        }
        assertWithinCarry(expected, Ring.add(holder[s], masked.shares()[s]), "group " + g + " row " + s);
      }
    }
  }

  /**
   * Attack: the key holder encrypts a packing basis (2^(100 i)) as its "features", hoping the product
   * with the other party's exponents lands bit-aligned in the plaintext. Whatever it tries to read
   * (here the lowest bit of each exponent, from the aligned position), it is right half of the time.
   */
  @Test
  void open_keyHolderEncryptedPackingBasis_learnsNothingAboutExponents() {
    int terms = 8;
    SlotLayout layout = SlotLayout.forSums(key, 15, terms);
    PaillierCiphertext[] basis = new PaillierCiphertext[terms];
    for (int i = 0; i < terms; i++) {
      basis[i] = key.encrypt(BigInteger.ONE.shiftLeft(100 * i), RANDOM);
    }
    int right = 0;
    int trials = 0;
    for (int rep = 0; rep < 150; rep++) {
      BigInteger[] e = new BigInteger[terms];
      for (int i = 0; i < terms; i++) {
        e[i] = Ring.random(RANDOM);
      }
      ShareConversion.Masked masked = ShareConversion.mask(key, ShareConversion.product(key, basis, e), layout, 1, RANDOM);
      BigInteger plain = secret.decrypt(masked.ciphertext());
      for (int i = 0; i < terms; i++) {
        boolean guess = plain.testBit(100 * i);
        right += guess == e[i].testBit(0) ? 1 : 0;
        trials++;
      }
    }
    double rate = (double) right / trials;
    // 1,200 guesses: a fair coin stays within 0.5 +- 0.06 with probability > 1 - 1e-4
    assertEquals(0.5, rate, 0.06, "the key holder guessed exponent bits at rate " + rate);
  }

  @Test
  void maskCounts_countsInSlots_sharesAddUpExactly() {
    int slotBits = 52;
    int used = ShareConversion.countSlots(key, slotBits);
    long[] counts = new long[used];
    for (int s = 0; s < used; s++) {
      counts[s] = s == 0 ? 0 : (1L << 11) - s; // up to the counts' 12 bits: no carry even at the top
    }
    BigInteger plain = BigInteger.ZERO;
    for (int s = used - 1; s >= 0; s--) {
      plain = plain.shiftLeft(slotBits).add(BigInteger.valueOf(counts[s]));
    }
    for (int rep = 0; rep < 20; rep++) {
      ShareConversion.Masked masked = ShareConversion.maskCounts(key, key.encrypt(plain, RANDOM), slotBits, used, 40,
          RANDOM);
      BigInteger[] holder = ShareConversion.openCounts(secret, masked.ciphertext(), slotBits, used);
      for (int s = 0; s < used; s++) {
        assertEquals(BigInteger.valueOf(counts[s]), Ring.add(holder[s], masked.shares()[s]), "slot " + s);
      }
    }
    PaillierCiphertext any = key.encrypt(plain, RANDOM);
    assertThrows(IllegalArgumentException.class,
        () -> ShareConversion.maskCounts(key, any, slotBits, used + 1, 40, RANDOM));
  }

  @Test
  void product_exponentOutsideRing_refused() {
    PaillierCiphertext c = key.encrypt(BigInteger.ONE, RANDOM);
    assertThrows(IllegalArgumentException.class,
        () -> ShareConversion.product(key, new PaillierCiphertext[] {c}, new BigInteger[] {BigInteger.ONE.shiftLeft(96)}));
    assertThrows(IllegalArgumentException.class,
        () -> ShareConversion.product(key, new PaillierCiphertext[] {c}, new BigInteger[] {BigInteger.ONE.negate()}));
  }

  @Test
  void forSums_keyTooSmallForOneSlot_refused() {
    assertThrows(IllegalArgumentException.class, () -> SlotLayout.forSums(key, 900, 1));
  }
}
