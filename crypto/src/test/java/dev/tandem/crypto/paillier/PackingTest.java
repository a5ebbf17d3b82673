package dev.tandem.crypto.paillier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PackingTest {
  private final PaillierPrivateKey key = TestKeys.testing();
  private final PaillierPublicKey pub = key.publicKey();
  private final Random random = new Random(11);

  private long[] randomValues(int length, int valueBits) {
    long[] values = new long[length];
    long half = 1L << (valueBits - 1);
    for (int i = 0; i < length; i++) {
      values[i] = random.nextLong() % half; // in (-half, half)
    }
    if (length > 2) {
      values[0] = -half;
      values[1] = half - 1;
    }
    return values;
  }

  @Test
  void forSums_testingKey_fillsTheModulus() {
    Packing packing = Packing.forSums(pub, 40, 1000);
    assertEquals(50, packing.slotBits()); // 40 + ceil(log2(1000)) = 40 + 10
    assertEquals(1023 / 50, packing.slots());
    assertEquals(1024, packing.maxSummands());
    assertEquals(3, packing.plaintextCount(2 * packing.slots() + 1));
    assertEquals(2, Packing.forSums(pub, 8, 1).maxSummands());
  }

  @Test
  void packUnpack_signedValues_roundTrip() {
    Packing packing = new Packing(24, 20, 7);
    long[] values = randomValues(30, 20);
    BigInteger[] plaintexts = packing.pack(values, pub);
    assertEquals(5, plaintexts.length);
    assertArrayEquals(values, packing.unpackLongs(plaintexts, values.length, 1, pub));
    assertArrayEquals(new long[0], packing.unpackLongs(packing.pack(new long[0], pub), 0, 1, pub));
  }

  @Test
  void encryptedSlotwiseAddition_upToMaxSummands_unpacksToElementwiseSums() {
    Packing packing = Packing.forSums(pub, 32, 16);
    int length = 2 * packing.slots() + 3;
    int parties = packing.maxSummands();
    long[] expected = new long[length];
    PaillierCiphertext[] total = null;
    for (int party = 0; party < parties; party++) {
      long[] values = randomValues(length, 32);
      if (party < 2) {
        java.util.Arrays.fill(values, party == 0 ? -(1L << 31) : (1L << 31) - 1); // range extremes
      }
      for (int i = 0; i < length; i++) {
        expected[i] += values[i];
      }
      PaillierCiphertext[] cs = pub.encryptAll(packing.pack(values, pub), TestKeys.RANDOM);
      if (total == null) {
        total = cs;
      } else {
        for (int g = 0; g < cs.length; g++) {
          total[g] = pub.add(total[g], cs[g]);
        }
      }
    }
    long[] sums = packing.unpackLongs(key.decryptAll(total), length, parties, pub);
    assertArrayEquals(expected, sums);
  }

  @Test
  void packCiphertexts_signedEncryptions_unpackToTheValues() {
    Packing packing = new Packing(70, 64, 5);
    BigInteger[] values = new BigInteger[12];
    for (int i = 0; i < values.length; i++) {
      values[i] = new BigInteger(63, TestKeys.RANDOM).subtract(BigInteger.ONE.shiftLeft(62));
    }
    values[0] = BigInteger.ONE.shiftLeft(63).negate();
    values[1] = BigInteger.ONE.shiftLeft(63).subtract(BigInteger.ONE);
    PaillierCiphertext[] singles = new PaillierCiphertext[values.length];
    for (int i = 0; i < values.length; i++) {
      singles[i] = pub.encrypt(FixedPointCodec.toPlaintext(values[i], pub), TestKeys.RANDOM);
    }
    PaillierCiphertext[] packed = packing.packCiphertexts(singles, pub);
    assertEquals(3, packed.length);
    assertArrayEquals(values, packing.unpack(key.decryptAll(packed), values.length, 1, pub));
    // packed ciphertexts add slot-wise like packed encryptions
    PaillierCiphertext[] doubled = new PaillierCiphertext[packed.length];
    for (int g = 0; g < packed.length; g++) {
      doubled[g] = pub.add(packed[g], pub.encrypt(packing.pack(values, pub)[g], TestKeys.RANDOM));
    }
    BigInteger[] sums = packing.unpack(key.decryptAll(doubled), values.length, 2, pub);
    for (int i = 0; i < values.length; i++) {
      assertEquals(values[i].shiftLeft(1), sums[i]);
    }
  }

  @Test
  void unpack_topSlotOverflow_isRefused() {
    Packing packing = new Packing(9, 8, 3);
    long[] max = {127, 127, 127};
    PaillierCiphertext c = pub.encrypt(packing.pack(max, pub)[0], TestKeys.RANDOM);
    PaillierCiphertext sum = pub.add(pub.add(c, c), c); // 3 summands, headroom for 2
    BigInteger plaintext = key.decrypt(sum);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> packing.unpack(new BigInteger[] {plaintext}, 3, 2, pub));
    assertTrue(e.getMessage().contains("exceeds"));
    assertThrows(IllegalArgumentException.class, () -> packing.unpack(new BigInteger[] {plaintext}, 3, 3, pub));
  }

  @Test
  void pack_valueOutOfRangeOrSlotsBeyondN_isRefused() {
    Packing packing = new Packing(10, 8, 4);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> packing.pack(new long[] {0, 128}, pub));
    assertTrue(e.getMessage().startsWith("value 1"));
    assertThrows(IllegalArgumentException.class, () -> packing.pack(new long[] {-129}, pub));
    assertEquals(1, packing.pack(new long[] {-128, 127}, pub).length);
    Packing tooWide = new Packing(64, 32, 16); // 1024 bits, n has 1024: only 1023 are usable
    assertTrue(assertThrows(IllegalArgumentException.class, () -> tooWide.pack(new long[] {1}, pub))
        .getMessage().contains("below n"));
    assertThrows(IllegalArgumentException.class, () -> new Packing(8, 8, 1));
    assertThrows(IllegalArgumentException.class, () -> new Packing(9, 8, 0));
    assertThrows(IllegalArgumentException.class,
        () -> packing.unpack(new BigInteger[2], 3, 1, pub)); // 3 values need 1 plaintext
  }
}
