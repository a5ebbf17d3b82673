package dev.tandem.crypto.secagg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ShamirTest {
  private final SecureRandom random = new SecureRandom();

  private byte[] secret() {
    byte[] secret = new byte[32];
    random.nextBytes(secret);
    return secret;
  }

  private static int[] range(int n) {
    int[] xs = new int[n];
    for (int i = 0; i < n; i++) {
      xs[i] = i + 1;
    }
    return xs;
  }

  @ParameterizedTest
  @CsvSource({"2, 1", "2, 2", "3, 2", "5, 3", "7, 4", "7, 7"})
  void reconstruct_everySubsetOfAtLeastT_givesSecret(int n, int t) {
    byte[] secret = secret();
    int[] xs = range(n);
    byte[][] shares = Shamir.split(secret, t, xs, random);
    int subsets = 0;
    for (int mask = 1; mask < 1 << n; mask++) {
      if (Integer.bitCount(mask) < t) {
        continue;
      }
      List<Integer> chosen = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        if ((mask & (1 << i)) != 0) {
          chosen.add(i);
        }
      }
      int[] subXs = chosen.stream().mapToInt(i -> xs[i]).toArray();
      byte[][] subYs = chosen.stream().map(i -> shares[i]).toArray(byte[][]::new);
      assertArrayEquals(secret, Shamir.reconstruct(subXs, subYs, t), "subset " + chosen);
      subsets++;
    }
    assertTrue(subsets > 0);
  }

  @Test
  void reconstruct_fewerThanT_throwsIllegalArgument() {
    byte[][] shares = Shamir.split(secret(), 3, range(5), random);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Shamir.reconstruct(new int[] {1, 2}, new byte[][] {shares[0], shares[1]}, 3));
    assertTrue(e.getMessage().contains("at least 3"), e.getMessage());
  }

  @Test
  void reconstruct_corruptedExtraShare_isDetected() {
    byte[] secret = secret();
    byte[][] shares = Shamir.split(secret, 3, range(5), random);
    shares[4][7] ^= 1;
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Shamir.reconstruct(range(5), shares, 3));
    assertTrue(e.getMessage().contains("x=5"), e.getMessage());
  }

  @Test
  void split_badCoordinates_throw() {
    assertThrows(IllegalArgumentException.class, () -> Shamir.split(secret(), 2, new int[] {1, 1, 2}, random));
    assertThrows(IllegalArgumentException.class, () -> Shamir.split(secret(), 2, new int[] {0, 1}, random));
    assertThrows(IllegalArgumentException.class, () -> Shamir.split(secret(), 2, new int[] {1, 256}, random));
    assertThrows(IllegalArgumentException.class, () -> Shamir.split(secret(), 4, range(3), random));
  }

  @Test
  void mul_aesFieldVectors_match() {
    // FIPS-197 section 4.2: {57}*{83} = {c1}, {57}*{13} = {fe}.
    assertEquals(0xc1, Shamir.mul(0x57, 0x83));
    assertEquals(0xfe, Shamir.mul(0x57, 0x13));
    for (int a = 1; a < 256; a++) {
      assertEquals(1, Shamir.mul(a, Shamir.inverse(a)), "inverse of " + a);
    }
  }

  /**
   * Perfect secrecy, exhaustively: for t = 2 and t = 3, each byte's t - 1 shares are a bijective
   * image of the random coefficients, whatever the secret; so every secret is equally consistent
   * with any t - 1 shares and they carry no information about it.
   */
  @ParameterizedTest
  @CsvSource({"2, 1", "2, 200", "3, 2", "3, 255"})
  void split_tMinusOneShares_areUniformForEverySecret(int t, int firstX) {
    int[] xs = new int[t - 1];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = firstX - i;
    }
    int combinations = 1 << (8 * (t - 1));
    int[] secrets = t == 2 ? range256() : new int[] {0x00, 0x01, 0x5a, 0xff};
    for (int secret : secrets) {
      int[] seen = new int[combinations];
      for (int coefficients = 0; coefficients < combinations; coefficients++) {
        byte[][] poly = new byte[t][1];
        poly[0][0] = (byte) secret;
        for (int k = 1; k < t; k++) {
          poly[k][0] = (byte) (coefficients >>> (8 * (k - 1)));
        }
        int observed = 0;
        for (int x : xs) {
          observed = (observed << 8) | (Shamir.evaluate(poly, x)[0] & 0xFF);
        }
        seen[observed]++;
      }
      for (int observation = 0; observation < combinations; observation++) {
        assertEquals(1, seen[observation], "secret " + secret + ", shares " + observation);
      }
    }
  }

  private static int[] range256() {
    int[] all = new int[256];
    for (int i = 0; i < 256; i++) {
      all[i] = i;
    }
    return all;
  }

  @Test
  void reconstruct_tMinusOneSharesWithAnyCandidate_isConsistent() {
    // Any candidate secret extends t - 1 real shares to a valid sharing: the shares rule none out.
    byte[] secret = secret();
    byte[][] shares = Shamir.split(secret, 3, range(5), random);
    for (int candidate = 0; candidate < 256; candidate++) {
      byte[] fake = new byte[32];
      Arrays.fill(fake, (byte) candidate);
      // Points (0, fake), (1, s1), (2, s2) define a degree-2 polynomial; its constant term is the candidate.
      byte[][] poly = interpolateDegreeTwo(fake, shares[0], shares[1]);
      assertArrayEquals(fake, Shamir.evaluate(poly, 0));
      assertArrayEquals(shares[0], Shamir.evaluate(poly, 1));
      assertArrayEquals(shares[1], Shamir.evaluate(poly, 2));
    }
  }

  /** Coefficients of the polynomial through (0, y0), (1, y1), (2, y2), byte-wise over GF(2^8). */
  private static byte[][] interpolateDegreeTwo(byte[] y0, byte[] y1, byte[] y2) {
    byte[][] poly = new byte[3][32];
    for (int j = 0; j < 32; j++) {
      int a0 = y0[j] & 0xFF;
      int r1 = (y1[j] & 0xFF) ^ a0; // a1 + a2 = r1
      int r2 = (y2[j] & 0xFF) ^ a0; // 2 a1 + 4 a2 = r2
      // a2 (4 + 2) = r2 + 2 r1
      int a2 = Shamir.mul(r2 ^ Shamir.mul(2, r1), Shamir.inverse(6));
      int a1 = r1 ^ a2;
      poly[0][j] = (byte) a0;
      poly[1][j] = (byte) a1;
      poly[2][j] = (byte) a2;
    }
    return poly;
  }
}
