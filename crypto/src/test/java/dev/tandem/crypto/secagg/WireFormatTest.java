package dev.tandem.crypto.secagg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.crypto.seal.SealedMessage;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class WireFormatTest {
  private static final byte[] KEY_A = filled(32, 1);
  private static final byte[] KEY_B = filled(32, 2);

  private static byte[] filled(int length, int value) {
    byte[] bytes = new byte[length];
    Arrays.fill(bytes, (byte) value);
    return bytes;
  }

  private static final AdvertiseKeys ADVERTISE = new AdvertiseKeys("r1", "site-a", KEY_B, filled(32, 9),
      Map.of("site-b", KEY_A), Map.of("site-a", filled(64, 10), "site-b", filled(64, 11)), filled(71, 3));
  private static final SealedShares SHARES = new SealedShares(
      new SealedMessage("site-a", "site-b", "r1", SealedShares.PURPOSE, filled(12, 4), filled(80, 5)), filled(70, 12));
  private static final ShareComplaint COMPLAINT = new ShareComplaint("site-b", SHARES, filled(32, 13));
  private static final MaskedInput MASKED = new MaskedInput("r1", "site-a", new long[] {1, -1, Long.MIN_VALUE, 42});
  private static final UnmaskingShares UNMASKING = new UnmaskingShares("r1", "site-a",
      Map.of("site-a", filled(32, 6), "site-b", filled(32, 7)), Map.of("site-c", filled(32, 8)));

  @Test
  void fromBytes_toBytes_roundTripsEveryMessage() {
    assertEquals(ADVERTISE, AdvertiseKeys.fromBytes(ADVERTISE.toBytes()));
    assertEquals(SHARES, SealedShares.fromBytes(SHARES.toBytes()));
    assertEquals(MASKED, MaskedInput.fromBytes(MASKED.toBytes()));
    assertEquals(UNMASKING, UnmaskingShares.fromBytes(UNMASKING.toBytes()));
    assertEquals(COMPLAINT, ShareComplaint.fromBytes(COMPLAINT.toBytes()));
    assertTrue(ShareComplaint.isComplaint(COMPLAINT.toBytes()));
    assertTrue(!ShareComplaint.isComplaint(MASKED.toBytes()));
  }

  @Test
  void toBytes_maskedInput_isHeaderIdsAndBigEndianLongs() {
    byte[] bytes = new MaskedInput("r", "s", new long[] {0x0102030405060708L}).toBytes();
    byte[] expected = {0x54, 0x53, 0x41, 0x47, 2, 3, 0, 0, 0, 1, 'r', 0, 0, 0, 1, 's', 0, 0, 0, 1, 1, 2, 3, 4, 5, 6, 7, 8};
    assertArrayEquals(expected, bytes);
  }

  private static void assertEveryTruncationMalformed(byte[] bytes, Function<byte[], ?> parser) {
    for (int length = 0; length < bytes.length; length++) {
      byte[] truncated = Arrays.copyOf(bytes, length);
      SecAggException e = assertThrows(SecAggException.class, () -> parser.apply(truncated), "length " + length);
      assertEquals(SecAggException.Reason.MALFORMED, e.reason());
      assertTrue(e.getMessage().startsWith("malformed "), e.getMessage());
    }
    byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
    SecAggException trailing = assertThrows(SecAggException.class, () -> parser.apply(longer));
    assertTrue(trailing.getMessage().contains("trailing"), trailing.getMessage());
  }

  @Test
  void fromBytes_truncatedOrTrailing_isMalformed() {
    assertEveryTruncationMalformed(ADVERTISE.toBytes(), AdvertiseKeys::fromBytes);
    assertEveryTruncationMalformed(SHARES.toBytes(), SealedShares::fromBytes);
    assertEveryTruncationMalformed(MASKED.toBytes(), MaskedInput::fromBytes);
    assertEveryTruncationMalformed(UNMASKING.toBytes(), UnmaskingShares::fromBytes);
    assertEveryTruncationMalformed(COMPLAINT.toBytes(), ShareComplaint::fromBytes);
  }

  @Test
  void fromBytes_wrongTypeOrMagicOrVersion_isMalformed() {
    SecAggException type = assertThrows(SecAggException.class, () -> MaskedInput.fromBytes(ADVERTISE.toBytes()));
    assertTrue(type.getMessage().contains("type"), type.getMessage());
    byte[] magic = MASKED.toBytes();
    magic[0] = 0;
    assertTrue(assertThrows(SecAggException.class, () -> MaskedInput.fromBytes(magic)).getMessage().contains("magic"));
    byte[] version = MASKED.toBytes();
    version[4] = 1; // the format before signed shares and commitments
    assertTrue(assertThrows(SecAggException.class, () -> MaskedInput.fromBytes(version)).getMessage().contains("version"));
  }

  @Test
  void fromBytes_hugeCountOrBadFieldLength_isMalformedWithoutAllocating() {
    byte[] bytes = MASKED.toBytes();
    int countOffset = 6 + 4 + 2 + 4 + 6; // header, "r1", "site-a"
    bytes[countOffset] = 0x7f;
    SecAggException count = assertThrows(SecAggException.class, () -> MaskedInput.fromBytes(bytes));
    assertTrue(count.getMessage().contains("masked count"), count.getMessage());
    byte[] key = ADVERTISE.toBytes();
    int keyLength = 6 + 4 + 2 + 4 + 6 + 3; // low byte of maskKey length
    key[keyLength] = 31;
    SecAggException field = assertThrows(SecAggException.class, () -> AdvertiseKeys.fromBytes(key));
    assertTrue(field.getMessage().contains("maskKey"), field.getMessage());
  }

  @Test
  void fromBytes_unmaskingWithBothSharesForOneSite_isMalformed() {
    byte[] bytes = new Wire.Writer(Wire.UNMASKING_SHARES, 64).string("r1").string("site-a")
        .integer(1).string("site-b").bytes(filled(32, 1))
        .integer(1).string("site-b").bytes(filled(32, 2)).toByteArray();
    SecAggException e = assertThrows(SecAggException.class, () -> UnmaskingShares.fromBytes(bytes));
    assertTrue(e.getMessage().contains("both"), e.getMessage());
  }

  @Test
  void constructors_copyArraysInAndOut() {
    long[] values = {1, 2, 3};
    MaskedInput masked = new MaskedInput("r", "s", values);
    values[0] = 99;
    masked.masked()[1] = 99;
    assertArrayEquals(new long[] {1, 2, 3}, masked.masked());
    byte[] share = filled(32, 1);
    UnmaskingShares shares = new UnmaskingShares("r", "s", Map.of("x", share), Map.of());
    share[0] = 9;
    shares.selfMaskShares().get("x")[1] = 9;
    assertArrayEquals(filled(32, 1), shares.selfMaskShares().get("x"));
  }

  @Test
  void constructors_invalidFields_throwIllegalArgument() {
    assertThrows(IllegalArgumentException.class, () -> new AdvertiseKeys("r", "s", new byte[31], KEY_B, Map.of(),
        Map.of(), new byte[8]));
    assertThrows(IllegalArgumentException.class, () -> new AdvertiseKeys("r", "s", KEY_A, KEY_B, Map.of(), Map.of(),
        new byte[0]));
    assertThrows(IllegalArgumentException.class, () -> new AdvertiseKeys("r", "s", KEY_A, KEY_B, Map.of("s", KEY_A),
        Map.of(), new byte[8]));
    assertThrows(IllegalArgumentException.class, () -> new ShareComplaint("site-c", SHARES, KEY_A));
    assertThrows(IllegalArgumentException.class, () -> new MaskedInput("r", "s", new long[0]));
    assertThrows(IllegalArgumentException.class, () -> new UnmaskingShares("r", "s", Map.of("x", new byte[31]), Map.of()));
    assertThrows(IllegalArgumentException.class, () -> new SealedShares(
        new SealedMessage("a", "b", "r", "other", new byte[12], new byte[16]), new byte[8]));
    assertThrows(IllegalArgumentException.class, () -> new SealedShares(
        new SealedMessage("a", "a", "r", SealedShares.PURPOSE, new byte[12], new byte[16]), new byte[8]));
    assertThrows(IllegalArgumentException.class, () -> new SealedShares(
        new SealedMessage("a", "b", "r", SealedShares.PURPOSE, new byte[12], new byte[16]), new byte[0]));
  }
}
