package dev.tandem.crypto.secagg;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EcdsaKeyAdvertisementTest {
  private static final byte[] MESSAGE = "round r1 keys".getBytes(StandardCharsets.UTF_8);
  private final KeyPair bank = TestFederation.ecKeyPair();
  private final KeyPair hospital = TestFederation.ecKeyPair();
  private final KeyAdvertisementVerifier verifier =
      EcdsaKeyAdvertisementVerifier.of(Map.of("bank", bank.getPublic(), "hospital", hospital.getPublic()));

  @Test
  void verify_signatureBySite_isTrue() {
    byte[] signature = new EcdsaKeyAdvertisementSigner(bank.getPrivate()).sign(MESSAGE);
    assertTrue(verifier.verify("bank", MESSAGE, signature));
  }

  @Test
  void verify_otherSiteTamperedMessageOrGarbage_isFalse() {
    byte[] signature = new EcdsaKeyAdvertisementSigner(bank.getPrivate()).sign(MESSAGE);
    assertFalse(verifier.verify("hospital", MESSAGE, signature));
    assertFalse(verifier.verify("unknown", MESSAGE, signature));
    byte[] tampered = MESSAGE.clone();
    tampered[0] ^= 1;
    assertFalse(verifier.verify("bank", tampered, signature));
    assertFalse(verifier.verify("bank", MESSAGE, new byte[] {0x30, 0x02, 0x01}));
    assertFalse(verifier.verify("bank", MESSAGE, new byte[0]));
  }

  @Test
  void constructors_nonP256Keys_throw() throws Exception {
    KeyPairGenerator ec384 = KeyPairGenerator.getInstance("EC");
    ec384.initialize(new ECGenParameterSpec("secp384r1"));
    KeyPair p384 = ec384.generateKeyPair();
    assertThrows(IllegalArgumentException.class, () -> new EcdsaKeyAdvertisementSigner(p384.getPrivate()));
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(1024);
    KeyPair rsaPair = rsa.generateKeyPair();
    assertThrows(IllegalArgumentException.class, () -> new EcdsaKeyAdvertisementSigner(rsaPair.getPrivate()));
    assertThrows(IllegalArgumentException.class, () -> EcdsaKeyAdvertisementVerifier.of(Map.of("x", p384.getPublic())));
  }
}
