package dev.tandem.crypto.psi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class MessageTest {
  private static final BigInteger P = Fe.P;
  private static final BigInteger ORDER = BigInteger.ONE.shiftLeft(252)
      .add(new BigInteger("27742317777372353535851937790883648493"));
  /** Offset of point 0 in each message type. */
  private static final int BLINDED_POINTS = 10;
  private static final int REBLINDED_POINTS = 42;

  private static final Exchange RUN = Exchange.run(
      IntStream.range(0, 40).mapToObj(i -> "m" + i).collect(Collectors.toList()),
      IntStream.range(20, 50).mapToObj(i -> "m" + i).collect(Collectors.toList()));

  private static byte[] le(BigInteger value) {
    byte[] be = value.toByteArray();
    byte[] out = new byte[32];
    for (int i = 0; i < Math.min(32, be.length); i++) {
      out[i] = be[be.length - 1 - i];
    }
    return out;
  }

  private static BigInteger g(BigInteger u) {
    return u.pow(3).add(BigInteger.valueOf(Fe.A).multiply(u.pow(2))).add(u).mod(P);
  }

  private static boolean isSquare(BigInteger v) {
    return v.modPow(P.subtract(BigInteger.ONE).shiftRight(1), P).equals(BigInteger.ONE);
  }

  /** u(k P) by the RFC 7748 x-only ladder, unclamped, in BigInteger arithmetic. */
  private static BigInteger ladder(BigInteger k, BigInteger u) {
    BigInteger x2 = BigInteger.ONE;
    BigInteger z2 = BigInteger.ZERO;
    BigInteger x3 = u;
    BigInteger z3 = BigInteger.ONE;
    BigInteger a24 = BigInteger.valueOf(121665);
    for (int t = k.bitLength() - 1; t >= 0; t--) {
      if (k.testBit(t)) {
        BigInteger s = x2; x2 = x3; x3 = s;
        s = z2; z2 = z3; z3 = s;
      }
      BigInteger a = x2.add(z2);
      BigInteger aa = a.multiply(a).mod(P);
      BigInteger b = x2.subtract(z2);
      BigInteger bb = b.multiply(b).mod(P);
      BigInteger e = aa.subtract(bb);
      BigInteger c = x3.add(z3);
      BigInteger d = x3.subtract(z3);
      BigInteger da = d.multiply(a).mod(P);
      BigInteger cb = c.multiply(b).mod(P);
      x3 = da.add(cb).pow(2).mod(P);
      z3 = u.multiply(da.subtract(cb).pow(2)).mod(P);
      x2 = aa.multiply(bb).mod(P);
      z2 = e.multiply(aa.add(a24.multiply(e))).mod(P);
      if (k.testBit(t)) {
        BigInteger s = x2; x2 = x3; x3 = s;
        s = z2; z2 = z3; z3 = s;
      }
    }
    return x2.multiply(z2.modPow(P.subtract(BigInteger.TWO), P)).mod(P);
  }

  /** The u-coordinates of the points of order exactly 8 on curve25519 (l times a random point). */
  private static List<BigInteger> orderEightUs() {
    Random random = new Random(13);
    java.util.Set<BigInteger> found = new java.util.TreeSet<>();
    while (found.size() < 2) {
      BigInteger u = new BigInteger(255, random).mod(P);
      if (!isSquare(g(u))) {
        continue;
      }
      BigInteger torsion = ladder(ORDER, u);
      if (torsion.signum() != 0 && !torsion.equals(BigInteger.ONE)) {
        found.add(torsion);
      }
    }
    return List.copyOf(found);
  }

  private static BigInteger twistU() {
    Random random = new Random(17);
    while (true) {
      BigInteger u = new BigInteger(255, random).mod(P);
      if (!isSquare(g(u)) && g(u).signum() != 0) {
        return u;
      }
    }
  }

  private static byte[] withPoint(byte[] message, int pointsOffset, int index, byte[] point) {
    byte[] copy = message.clone();
    System.arraycopy(point, 0, copy, pointsOffset + 32 * index, 32);
    return copy;
  }

  private static PsiException malformed(Function<byte[], ?> parser, byte[] bytes) {
    PsiException e = assertThrows(PsiException.class, () -> parser.apply(bytes));
    assertEquals(PsiException.Reason.MALFORMED, e.reason());
    assertTrue(e.getMessage().startsWith("malformed "), e.getMessage());
    return e;
  }

  @Test
  void fromBytes_toBytes_roundTripsBothMessages() {
    assertArrayEquals(RUN.aBlinded(), BlindedIds.fromBytes(RUN.aBlinded()).toBytes());
    assertArrayEquals(RUN.aReblinded(), Reblinded.fromBytes(RUN.aReblinded()).toBytes());
    assertEquals(40, BlindedIds.fromBytes(RUN.aBlinded()).size());
    assertEquals(30, Reblinded.fromBytes(RUN.aReblinded()).size());
    byte[] header = {0x54, 0x50, 0x53, 0x49, 1, 1, 0, 0, 0, 40};
    assertArrayEquals(header, Arrays.copyOf(RUN.aBlinded(), BLINDED_POINTS));
    assertEquals(BLINDED_POINTS + 32 * 40, RUN.aBlinded().length);
    assertEquals(REBLINDED_POINTS + 32 * 30, RUN.aReblinded().length);
  }

  @Test
  void fromBytes_pointOnTheTwist_isRefused() {
    byte[] twist = le(twistU());
    assertTrue(malformed(BlindedIds::fromBytes, withPoint(RUN.aBlinded(), BLINDED_POINTS, 7, twist))
        .getMessage().contains("point 7 is not on curve25519"));
    assertTrue(malformed(Reblinded::fromBytes, withPoint(RUN.aReblinded(), REBLINDED_POINTS, 29, twist))
        .getMessage().contains("point 29 is not on curve25519"));
  }

  @Test
  void fromBytes_batchCheckedMessageWithOnePointOnTheTwist_isRefusedNamingIt() {
    byte[] big = PsiParty.of(IntStream.range(0, 3 * CurveCheck.BATCH_MIN).mapToObj(i -> "big" + i)
        .collect(Collectors.toList())).blindedIds().toBytes();
    assertEquals(3 * CurveCheck.BATCH_MIN, BlindedIds.fromBytes(big).size());
    byte[] twist = le(twistU());
    for (int index : new int[] {0, CurveCheck.BATCH_MIN + 5, 3 * CurveCheck.BATCH_MIN - 1}) {
      assertTrue(malformed(BlindedIds::fromBytes, withPoint(big, BLINDED_POINTS, index, twist))
          .getMessage().contains("point " + index + " is not on curve25519"), "index " + index);
    }
    byte[] twoBad = withPoint(withPoint(big, BLINDED_POINTS, 700, twist), BLINDED_POINTS, 600, le(BigInteger.ONE));
    assertTrue(malformed(BlindedIds::fromBytes, twoBad).getMessage().contains("point 600 is of order dividing 8"));
  }

  @Test
  void fromBytes_identityOrLowOrderPoint_isRefused() {
    List<BigInteger> lowOrder = new java.util.ArrayList<>(List.of(BigInteger.ZERO, BigInteger.ONE));
    lowOrder.addAll(orderEightUs());
    for (BigInteger u : lowOrder) {
      byte[] point = le(u);
      assertTrue(malformed(BlindedIds::fromBytes, withPoint(RUN.bBlinded(), BLINDED_POINTS, 3, point))
          .getMessage().contains("point 3 is of order dividing 8"), u.toString(16));
      assertTrue(malformed(Reblinded::fromBytes, withPoint(RUN.bReblinded(), REBLINDED_POINTS, 0, point))
          .getMessage().contains("point 0 is of order dividing 8"), u.toString(16));
    }
  }

  @Test
  void fromBytes_nonCanonicalEncoding_isRefused() {
    byte[] valid = Arrays.copyOfRange(RUN.aBlinded(), BLINDED_POINTS, BLINDED_POINTS + 32);
    byte[] topBit = valid.clone();
    topBit[31] |= (byte) 0x80;
    for (byte[] point : List.of(le(P), le(P.add(BigInteger.ONE)), le(P.add(BigInteger.valueOf(9))), topBit)) {
      assertTrue(malformed(BlindedIds::fromBytes, withPoint(RUN.aBlinded(), BLINDED_POINTS, 1, point))
          .getMessage().contains("point 1 is not a canonical u-coordinate"));
    }
  }

  @Test
  void fromBytes_everyTruncationAndTrailingByte_isRefused() {
    for (byte[] message : List.of(RUN.aBlinded(), RUN.aReblinded())) {
      Function<byte[], ?> parser = message == RUN.aBlinded() ? BlindedIds::fromBytes : Reblinded::fromBytes;
      for (int length = 0; length < message.length; length += (length < 64 ? 1 : 13)) {
        malformed(parser, Arrays.copyOf(message, length));
      }
      malformed(parser, Arrays.copyOf(message, message.length - 1));
      assertTrue(malformed(parser, Arrays.copyOf(message, message.length + 1)).getMessage().contains("trailing"));
    }
  }

  @Test
  void fromBytes_countsThatDisagreeWithTheLength_areRefused() {
    for (int count : new int[] {-1, 39, 41, Wire.MAX_POINTS + 1, Integer.MAX_VALUE}) {
      byte[] bytes = RUN.aBlinded().clone();
      ByteBuffer.wrap(bytes).putInt(6, count);
      malformed(BlindedIds::fromBytes, bytes);
    }
  }

  @Test
  void fromBytes_wrongMagicVersionOrType_isRefused() {
    byte[] magic = RUN.aBlinded().clone();
    magic[0] ^= 1;
    assertTrue(malformed(BlindedIds::fromBytes, magic).getMessage().contains("magic"));
    byte[] version = RUN.aBlinded().clone();
    version[4] = 2;
    assertTrue(malformed(BlindedIds::fromBytes, version).getMessage().contains("version"));
    assertTrue(malformed(Reblinded::fromBytes, RUN.aBlinded()).getMessage().contains("type"));
    assertTrue(malformed(BlindedIds::fromBytes, RUN.aReblinded()).getMessage().contains("type"));
  }

  @Test
  void check_validPointWithTorsionComponent_isAcceptedAndItsTorsionIsClearedByTheLadder() {
    // A random point of curve25519 has order 8 l with probability 1/2: not low order, so accepted.
    // 2 l P then has order 4 (u = 1); x-only, a point of order 2 and the identity both read u = 0.
    Random random = new Random(21);
    BigInteger u;
    do {
      u = new BigInteger(255, random).mod(P);
    } while (!isSquare(g(u)) || !ladder(ORDER.shiftLeft(1), u).equals(BigInteger.ONE));
    byte[] point = le(u);
    assertNull(Points.check(point, 0));
    byte[] k = new byte[32];
    random.nextBytes(k);
    int[][] us = {Fe.create()};
    org.bouncycastle.math.ec.rfc7748.X25519Field.decode(point, 0, us[0]);
    byte[] out = new byte[32];
    new Ladder(1).multiply(Ladder.clampedScalar(k), us, 1, out, 0);
    BigInteger result = new BigInteger(1, reverse(out));
    assertNotEquals(BigInteger.ZERO, result);
    assertEquals(BigInteger.ZERO, ladder(ORDER, result), "the result lies in the prime-order subgroup");
  }

  private static byte[] reverse(byte[] le) {
    byte[] be = new byte[le.length];
    for (int i = 0; i < le.length; i++) {
      be[i] = le[le.length - 1 - i];
    }
    return be;
  }
}
