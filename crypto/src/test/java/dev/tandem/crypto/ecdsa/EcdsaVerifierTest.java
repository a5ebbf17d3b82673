package dev.tandem.crypto.ecdsa;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class EcdsaVerifierTest {
  private static final byte[] MESSAGE = "tandem-audit-head-v1 site 42".getBytes(StandardCharsets.UTF_8);

  private static KeyPair p256() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  private static byte[] jdkSign(KeyPair kp, byte[] message) throws Exception {
    Signature s = Signature.getInstance("SHA256withECDSA");
    s.initSign(kp.getPrivate());
    s.update(message);
    return s.sign();
  }

  @Test
  void verify_signedByTheJdkProvider_acceptedAndEveryAlterationRefused() throws Exception {
    KeyPair kp = p256();
    for (int i = 0; i < 20; i++) {
      byte[] message = Arrays.copyOf(MESSAGE, MESSAGE.length + i);
      byte[] signature = jdkSign(kp, message);
      assertTrue(EcdsaVerifier.verify(kp.getPublic(), message, signature));
      // the JDK agrees on what is valid
      Signature jdk = Signature.getInstance("SHA256withECDSA");
      jdk.initVerify(kp.getPublic());
      jdk.update(message);
      assertTrue(jdk.verify(signature));

      byte[] otherMessage = message.clone();
      otherMessage[i % message.length] ^= 1;
      assertFalse(EcdsaVerifier.verify(kp.getPublic(), otherMessage, signature));
      byte[] flipped = signature.clone();
      flipped[signature.length - 1 - (i % 8)] ^= 0x10;
      assertFalse(EcdsaVerifier.verify(kp.getPublic(), message, flipped));
    }
  }

  @Test
  void verify_wrongKeyMalformedOrMissingInput_false() throws Exception {
    KeyPair kp = p256();
    byte[] signature = jdkSign(kp, MESSAGE);
    assertFalse(EcdsaVerifier.verify(p256().getPublic(), MESSAGE, signature));
    assertFalse(EcdsaVerifier.verify(kp.getPublic(), MESSAGE, Arrays.copyOf(signature, signature.length + 1)));
    assertFalse(EcdsaVerifier.verify(kp.getPublic(), MESSAGE, Arrays.copyOf(signature, signature.length - 1)));
    assertFalse(EcdsaVerifier.verify(kp.getPublic(), MESSAGE, new byte[0]));
    assertFalse(EcdsaVerifier.verify(kp.getPublic(), MESSAGE, new byte[] {0x30, 0x00}));
    assertFalse(EcdsaVerifier.verify(null, MESSAGE, signature));
    assertFalse(EcdsaVerifier.verify(kp.getPublic(), null, signature));
    assertFalse(EcdsaVerifier.verify(kp.getPublic(), MESSAGE, null));
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(1024);
    assertFalse(EcdsaVerifier.verify(rsa.generateKeyPair().getPublic(), MESSAGE, signature));
  }
}
