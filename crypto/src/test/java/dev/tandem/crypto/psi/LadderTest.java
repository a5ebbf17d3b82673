package dev.tandem.crypto.psi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.bouncycastle.math.ec.rfc7748.X25519;
import org.bouncycastle.math.ec.rfc7748.X25519Field;
import org.junit.jupiter.api.Test;

class LadderTest {
  private static final HexFormat HEX = HexFormat.of();

  private static byte[] multiply(byte[] k, byte[] u) {
    int[][] us = {Fe.create()};
    X25519Field.decode(u, 0, us[0]);
    byte[] out = new byte[32];
    new Ladder(1).multiply(Ladder.clampedScalar(k), us, 1, out, 0);
    return out;
  }

  @Test
  void multiply_rfc7748Section6Vectors_giveTheSharedSecret() {
    byte[] alice = HEX.parseHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    byte[] bob = HEX.parseHex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
    byte[] alicePublic = HEX.parseHex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
    byte[] bobPublic = HEX.parseHex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
    byte[] base = new byte[32];
    base[0] = 9;
    assertArrayEquals(alicePublic, multiply(alice, base));
    assertArrayEquals(bobPublic, multiply(bob, base));
    String shared = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
    assertEquals(shared, HEX.formatHex(multiply(alice, bobPublic)));
    assertEquals(shared, HEX.formatHex(multiply(bob, alicePublic)));
  }

  @Test
  void multiply_batchOfRandomPoints_equalsBouncycastleX25519() {
    Random random = new Random(7);
    int n = 37;
    byte[] k = new byte[32];
    random.nextBytes(k);
    byte[] inputs = new byte[32 * n];
    int[][] us = new int[n][];
    for (int i = 0; i < n; i++) {
      byte[] seed = new byte[32];
      random.nextBytes(seed);
      X25519.scalarMultBase(seed, 0, inputs, 32 * i);
      us[i] = Fe.create();
      X25519Field.decode(inputs, 32 * i, us[i]);
    }
    byte[] out = new byte[32 * n];
    new Ladder(n).multiply(Ladder.clampedScalar(k), us, n, out, 0);
    for (int i = 0; i < n; i++) {
      byte[] expected = new byte[32];
      X25519.scalarMult(k, 0, inputs, 32 * i, expected, 0);
      assertArrayEquals(expected, Arrays.copyOfRange(out, 32 * i, 32 * i + 32), "point " + i);
    }
  }

  @Test
  void multiply_lowOrderPointInBatch_givesZeroAndLeavesOthersIntact() {
    byte[] k = new byte[32];
    new Random(3).nextBytes(k);
    byte[] valid = new byte[32];
    X25519.scalarMultBase(k, 0, valid, 0);
    int[][] us = {Fe.create(), Fe.create(), Fe.create()};
    X25519Field.decode(valid, 0, us[0]);
    X25519Field.one(us[1]);                        // u = 1: a point of order 4
    X25519Field.decode(valid, 0, us[2]);
    byte[] out = new byte[96];
    new Ladder(3).multiply(Ladder.clampedScalar(k), us, 3, out, 0);
    byte[] expected = new byte[32];
    X25519.scalarMult(k, 0, valid, 0, expected, 0);
    assertArrayEquals(expected, Arrays.copyOfRange(out, 0, 32));
    assertArrayEquals(new byte[32], Arrays.copyOfRange(out, 32, 64));
    assertArrayEquals(expected, Arrays.copyOfRange(out, 64, 96));
  }

  @Test
  void multiply_twoScalarsInEitherOrder_commute() {
    Random random = new Random(11);
    byte[] a = new byte[32];
    byte[] b = new byte[32];
    byte[] seed = new byte[32];
    random.nextBytes(a);
    random.nextBytes(b);
    random.nextBytes(seed);
    byte[] p = new byte[32];
    X25519.scalarMultBase(seed, 0, p, 0);
    assertArrayEquals(multiply(a, multiply(b, p)), multiply(b, multiply(a, p)));
  }
}
