package dev.tandem.crypto.merkle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class HeadSignatureTest {
  private static KeyPair p256() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  @Test
  void message_layout_isLabelLengthSiteSeqHash() {
    byte[] head = new byte[32];
    Arrays.fill(head, (byte) 0xab);
    String expected = HexFormat.of().formatHex("tandem-audit-head-v1".getBytes())
        + "00000002" + "6e31" + "0000000000000105" + "ab".repeat(32);
    assertEquals(expected, HexFormat.of().formatHex(HeadSignature.message("n1", 261, head)));
  }

  @Test
  void verify_signedHead_acceptsOnlyTheSameSiteSeqHashAndKey() throws Exception {
    KeyPair coordinator = p256();
    byte[] head = MerkleHash.leaf(new byte[] {1});
    byte[] sig = HeadSignature.sign(coordinator.getPrivate(), "branch-north", 12, head);
    assertTrue(HeadSignature.verify(coordinator.getPublic(), "branch-north", 12, head, sig));
    assertFalse(HeadSignature.verify(coordinator.getPublic(), "branch-south", 12, head, sig));
    assertFalse(HeadSignature.verify(coordinator.getPublic(), "branch-north", 11, head, sig));
    byte[] other = head.clone();
    other[0] ^= 1;
    assertFalse(HeadSignature.verify(coordinator.getPublic(), "branch-north", 12, other, sig));
    assertFalse(HeadSignature.verify(p256().getPublic(), "branch-north", 12, head, sig));
    assertFalse(HeadSignature.verify(coordinator.getPublic(), "branch-north", 12, head, new byte[] {1, 2}));
  }

  @Test
  void message_badInput_throws() {
    assertThrows(IllegalArgumentException.class, () -> HeadSignature.message("", 1, new byte[32]));
    assertThrows(IllegalArgumentException.class, () -> HeadSignature.message("a", 0, new byte[32]));
    assertThrows(IllegalArgumentException.class, () -> HeadSignature.message("a", 1, new byte[31]));
  }
}
