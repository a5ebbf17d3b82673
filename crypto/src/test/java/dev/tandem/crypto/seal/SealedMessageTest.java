package dev.tandem.crypto.seal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SealedMessageTest {
  private static final SealedMessage MESSAGE =
      new SealedMessage("site-a", "site-b", "round-1", "purpose", new byte[12], new byte[40]);

  @Test
  void fromBytes_toBytes_roundTrips() {
    assertEquals(MESSAGE, SealedMessage.fromBytes(MESSAGE.toBytes()));
  }

  @Test
  void fromBytes_everyTruncation_throwsIllegalArgument() {
    byte[] bytes = MESSAGE.toBytes();
    for (int length = 0; length < bytes.length; length++) {
      byte[] truncated = Arrays.copyOf(bytes, length);
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> SealedMessage.fromBytes(truncated), "length " + length);
      assertTrue(e.getMessage().startsWith("malformed sealed message"), e.getMessage());
    }
  }

  @Test
  void fromBytes_trailingByte_throwsIllegalArgument() {
    byte[] bytes = Arrays.copyOf(MESSAGE.toBytes(), MESSAGE.toBytes().length + 1);
    assertTrue(assertThrows(IllegalArgumentException.class, () -> SealedMessage.fromBytes(bytes))
        .getMessage().contains("trailing"));
  }

  @Test
  void fromBytes_badMagicOrHugeLength_throwsIllegalArgument() {
    byte[] bytes = MESSAGE.toBytes();
    bytes[0] ^= 1;
    assertTrue(assertThrows(IllegalArgumentException.class, () -> SealedMessage.fromBytes(bytes))
        .getMessage().contains("magic"));
    byte[] huge = MESSAGE.toBytes();
    huge[4] = 0x7f; // sender length
    assertTrue(assertThrows(IllegalArgumentException.class, () -> SealedMessage.fromBytes(huge))
        .getMessage().contains("sender"));
  }

  @Test
  void constructor_badFields_throwIllegalArgument() {
    assertThrows(IllegalArgumentException.class,
        () -> new SealedMessage("a", "b", "r", "p", new byte[11], new byte[16]));
    assertThrows(IllegalArgumentException.class,
        () -> new SealedMessage("a", "b", "r", "p", new byte[12], new byte[15]));
    assertThrows(IllegalArgumentException.class,
        () -> new SealedMessage("", "b", "r", "p", new byte[12], new byte[16]));
  }

  @Test
  void accessors_returnCopies() {
    MESSAGE.nonce()[0] = 9;
    MESSAGE.ciphertext()[0] = 9;
    assertArrayEquals(new byte[12], MESSAGE.nonce());
    assertArrayEquals(new byte[40], MESSAGE.ciphertext());
  }
}
