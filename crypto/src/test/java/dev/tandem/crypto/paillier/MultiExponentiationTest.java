package dev.tandem.crypto.paillier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MultiExponentiationTest {
  private final PaillierPrivateKey key = TestKeys.testing();
  private final PaillierPublicKey pub = key.publicKey();
  private final Random random = new Random(5);

  private PaillierCiphertext[] encryptSigned(long[] values) {
    BigInteger[] ms = new BigInteger[values.length];
    for (int i = 0; i < values.length; i++) {
      ms[i] = TestKeys.plaintextOf(BigInteger.valueOf(values[i]), pub);
    }
    return pub.encryptAll(ms, TestKeys.RANDOM);
  }

  private long[][] randomMatrix(int rows, int columns, int bits) {
    long[][] matrix = new long[rows][columns];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < columns; j++) {
        long magnitude = bits == 63 ? random.nextLong() & Long.MAX_VALUE : random.nextLong() & ((1L << bits) - 1);
        matrix[i][j] = random.nextInt(5) == 0 ? 0 : random.nextBoolean() ? magnitude : -magnitude;
      }
    }
    return matrix;
  }

  private static PaillierCiphertext[] asCiphertexts(BigInteger[] values) {
    PaillierCiphertext[] out = new PaillierCiphertext[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = new PaillierCiphertext(values[i]);
    }
    return out;
  }

  private static BigInteger[] values(PaillierCiphertext[] cs) {
    BigInteger[] out = new BigInteger[cs.length];
    for (int i = 0; i < cs.length; i++) {
      out[i] = cs[i].value();
    }
    return out;
  }

  @Test
  void transposeTimes_randomScalarsOfEachSize_equalsNaiveProduct() {
    for (int bits : new int[] {1, 3, 8, 17, 20, 33, 63}) {
      long[][] matrix = randomMatrix(100, 3, bits);
      PaillierCiphertext[] vector = new PaillierCiphertext[100];
      for (int i = 0; i < vector.length; i++) {
        vector[i] = pub.encrypt(TestKeys.randomPlaintext(pub), TestKeys.RANDOM);
      }
      assertArrayEquals(values(MultiExponentiation.naiveTransposeTimes(pub, matrix, vector)),
          values(MultiExponentiation.transposeTimes(pub, matrix, vector)), "bits=" + bits);
    }
  }

  @Test
  void transposeTimes_fixedPointGradient_decryptsToXTransposeD() {
    int rows = 300;
    int columns = 6;
    long[][] x = randomMatrix(rows, columns, 20);
    long[] d = new long[rows];
    for (int i = 0; i < rows; i++) {
      d[i] = random.nextLong() >> 20; // signed 44-bit residuals
    }
    BigInteger[] plain = key.decryptAll(MultiExponentiation.transposeTimes(pub, x, encryptSigned(d)));
    for (int j = 0; j < columns; j++) {
      BigInteger expected = BigInteger.ZERO;
      for (int i = 0; i < rows; i++) {
        expected = expected.add(BigInteger.valueOf(x[i][j]).multiply(BigInteger.valueOf(d[i])));
      }
      assertEquals(expected, FixedPointCodec.toSigned(plain[j], pub), "column " + j);
    }
  }

  @Test
  void linearCombination_longColumnSplitIntoChunks_equalsOneChunk() {
    int rows = 2500; // more than 2 * 1024 rows: split into chunks on a multi-core machine
    long[] column = new long[rows];
    SplitModulus.Split[] bases = new SplitModulus.Split[rows];
    PaillierCiphertext[] vector = new PaillierCiphertext[rows];
    for (int i = 0; i < rows; i++) {
      column[i] = random.nextLong() >> 48;
      vector[i] = new PaillierCiphertext(new BigInteger(pub.nSquared().bitLength() - 1, TestKeys.RANDOM).setBit(0));
      bases[i] = pub.split().split(vector[i].value());
    }
    BigInteger oneChunk = combine(BucketMultiExponentiation.signedProduct(bases, 0, column, pub.split(), pub.nSquared()));
    assertEquals(oneChunk, MultiExponentiation.linearCombination(pub, column, vector).value());
  }

  @Test
  void transposeTimes_timing_printsBucketsAgainstOneModPowPerTerm() {
    int rows = 1000;
    long[][] matrix = randomMatrix(rows, 2, 16);
    PaillierCiphertext[] vector = new PaillierCiphertext[rows];
    for (int i = 0; i < rows; i++) {
      vector[i] = new PaillierCiphertext(new BigInteger(pub.nSquared().bitLength() - 1, TestKeys.RANDOM).setBit(0));
    }
    long start = System.nanoTime();
    PaillierCiphertext[] fast = MultiExponentiation.transposeTimes(pub, matrix, vector);
    long middle = System.nanoTime();
    PaillierCiphertext[] naive = MultiExponentiation.naiveTransposeTimes(pub, matrix, vector);
    long end = System.nanoTime();
    assertArrayEquals(values(naive), values(fast));
    System.out.printf("multi-exponentiation, %d rows x 2 columns, 16-bit signed scalars, 1024-bit key: "
        + "buckets %.0f ms, one modPow per term %.0f ms%n", rows, (middle - start) / 1e6, (end - middle) / 1e6);
  }

  @Test
  void transposeTimes_extremeScalars_equalsNaive() {
    long[] extremes = {Long.MAX_VALUE, -Long.MAX_VALUE, 1, -1, 0, 1L << 62, -(1L << 62), (1L << 9) - 1,
        1L << 9, (1L << 9) + 1, -(1L << 10) + 1, 0x5555_5555_5555_5555L, -0x2AAA_AAAA_AAAA_AAAAL};
    long[][] matrix = new long[extremes.length][2];
    for (int i = 0; i < extremes.length; i++) {
      matrix[i][0] = extremes[i];
      matrix[i][1] = extremes[extremes.length - 1 - i] >> 40;
    }
    PaillierCiphertext[] vector = new PaillierCiphertext[extremes.length];
    for (int i = 0; i < vector.length; i++) {
      vector[i] = pub.encrypt(TestKeys.randomPlaintext(pub), TestKeys.RANDOM);
    }
    assertArrayEquals(values(MultiExponentiation.naiveTransposeTimes(pub, matrix, vector)),
        values(MultiExponentiation.transposeTimes(pub, matrix, vector)));
  }

  @Test
  void transposeTimes_fewDistinctValuesPerColumn_equalsNaive() {
    long[] levels = {-(1L << 40), -3, -1, 0, 1, 5, 1000, 1L << 40};
    long[][] matrix = new long[400][3];
    for (int i = 0; i < matrix.length; i++) {
      matrix[i][0] = levels[random.nextInt(levels.length)];
      matrix[i][1] = random.nextBoolean() ? 65536 : -65535;
      matrix[i][2] = 7;
    }
    PaillierCiphertext[] vector = new PaillierCiphertext[matrix.length];
    for (int i = 0; i < vector.length; i++) {
      vector[i] = pub.encrypt(TestKeys.randomPlaintext(pub), TestKeys.RANDOM);
    }
    assertArrayEquals(values(MultiExponentiation.naiveTransposeTimes(pub, matrix, vector)),
        values(MultiExponentiation.transposeTimes(pub, matrix, vector)));
  }

  @Test
  void bucketMethods_byValueAndEveryWindow_agree() {
    SplitModulus arithmetic = pub.split();
    int rows = 60;
    SplitModulus.Split[] bases = new SplitModulus.Split[rows];
    long[] scalars = new long[rows];
    for (int i = 0; i < rows; i++) {
      bases[i] = arithmetic.split(pub.encrypt(TestKeys.randomPlaintext(pub), TestKeys.RANDOM).value());
      scalars[i] = (random.nextLong() >> 40) * (i % 7 == 0 ? 0 : 1);
    }
    BigInteger expected = BigInteger.ONE;
    for (int i = 0; i < rows; i++) {
      expected = expected.multiply(arithmetic.join(bases[i]).modPow(BigInteger.valueOf(scalars[i]), pub.nSquared()))
          .mod(pub.nSquared());
    }
    SplitModulus.Split[] byValue = BucketMultiExponentiation.byValue(bases, 0, scalars,
        BucketMultiExponentiation.distinctMagnitudes(scalars), arithmetic, pub.nSquared());
    assertEquals(expected, combine(byValue));
    for (int w = 1; w <= 12; w++) {
      assertEquals(expected, combine(BucketMultiExponentiation.windowed(bases, 0, scalars, w, 24, arithmetic,
          pub.nSquared())), "w=" + w);
    }
  }

  private BigInteger combine(SplitModulus.Split[] pair) {
    BigInteger positive = pub.split().join(pair[0]);
    BigInteger negative = pub.split().join(pair[1]);
    return positive.multiply(negative.modInverse(pub.nSquared())).mod(pub.nSquared());
  }

  @Test
  void recode_everyWindowWidth_reconstructsTheScalarWithBoundedDigits() {
    long[] scalars = new long[200];
    for (int i = 0; i < scalars.length; i++) {
      scalars[i] = Math.max(-Long.MAX_VALUE, random.nextLong() >> random.nextInt(63));
    }
    scalars[0] = Long.MAX_VALUE;
    scalars[1] = -Long.MAX_VALUE;
    for (int w = 1; w <= 20; w++) {
      int windows = (63 + w - 1) / w;
      int[][] digits = BucketMultiExponentiation.recode(scalars, w, windows);
      int topBits = 63 - (windows - 1) * w;
      for (int i = 0; i < scalars.length; i++) {
        BigInteger sum = BigInteger.ZERO;
        for (int t = windows - 1; t >= 0; t--) {
          int d = digits[t][i];
          long bound = t == windows - 1 ? 1L << topBits : 1L << (w - 1);
          assertTrue(Math.abs((long) d) <= bound, "w=" + w + " t=" + t + " d=" + d);
          sum = sum.shiftLeft(w).add(BigInteger.valueOf(d));
        }
        assertEquals(BigInteger.valueOf(scalars[i]), sum, "w=" + w + " s=" + scalars[i]);
      }
    }
  }

  @Test
  void transposeTimes_badShapesOrInputs_areRefused() {
    PaillierCiphertext[] two = encryptSigned(new long[] {1, 2});
    assertThrows(IllegalArgumentException.class,
        () -> MultiExponentiation.transposeTimes(pub, new long[][] {{1}}, two));
    assertThrows(IllegalArgumentException.class,
        () -> MultiExponentiation.transposeTimes(pub, new long[][] {{1, 2}, {3}}, two));
    assertThrows(IllegalArgumentException.class,
        () -> MultiExponentiation.transposeTimes(pub, new long[][] {{}, {}}, two));
    assertThrows(IllegalArgumentException.class,
        () -> MultiExponentiation.transposeTimes(pub, new long[0][], new PaillierCiphertext[0]));
    IllegalArgumentException minValue = assertThrows(IllegalArgumentException.class,
        () -> MultiExponentiation.transposeTimes(pub, new long[][] {{1}, {Long.MIN_VALUE}}, two));
    assertTrue(minValue.getMessage().contains("[1][0]"));
    PaillierCiphertext[] outOfRange = {two[0], new PaillierCiphertext(pub.nSquared())};
    IllegalArgumentException range = assertThrows(IllegalArgumentException.class,
        () -> MultiExponentiation.transposeTimes(pub, new long[][] {{1}, {1}}, outOfRange));
    assertTrue(range.getMessage().startsWith("ciphertext 1"));
    PaillierCiphertext[] notUnit = {two[0], new PaillierCiphertext(pub.modulus())};
    assertThrows(IllegalArgumentException.class,
        () -> MultiExponentiation.transposeTimes(pub, new long[][] {{1}, {-1}}, notUnit));
  }
}
