package dev.tandem.crypto.seal;

import java.security.SecureRandom;
import java.util.Objects;
import org.bouncycastle.crypto.agreement.X25519Agreement;
import org.bouncycastle.crypto.params.X25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.X25519PublicKeyParameters;

/**
 * An opaque handle on an X25519 key pair that a site uses to seal and open relayed messages.
 *
 * <p>The private key leaves the handle only through {@link #privateKeyInsecure()}. Instances are
 * immutable and thread-safe.
 */
public final class SealKeyPair {
  private final X25519PrivateKeyParameters privateKey;
  private final SealPublicKey publicKey;

  private SealKeyPair(X25519PrivateKeyParameters privateKey) {
    this.privateKey = privateKey;
    this.publicKey = new SealPublicKey(privateKey.generatePublicKey().getEncoded());
  }

  /** Generates a fresh key pair from {@code random}. */
  public static SealKeyPair generate(SecureRandom random) {
    Objects.requireNonNull(random, "random");
    return new SealKeyPair(new X25519PrivateKeyParameters(random));
  }

  /**
   * Rebuilds a key pair from a raw 32-byte X25519 private key (RFC 7748 scalar, clamped on use).
   *
   * @throws IllegalArgumentException unless the key is 32 bytes
   */
  public static SealKeyPair fromPrivateKeyInsecure(byte[] privateKey) {
    Objects.requireNonNull(privateKey, "privateKey");
    if (privateKey.length != X25519PrivateKeyParameters.KEY_SIZE) {
      throw new IllegalArgumentException(
          "X25519 private key must be 32 bytes, got " + privateKey.length);
    }
    return new SealKeyPair(new X25519PrivateKeyParameters(privateKey, 0));
  }

  /** Returns the public key. */
  public SealPublicKey publicKey() {
    return publicKey;
  }

  /** Returns a copy of the raw private key; whoever calls this takes over keeping it secret. */
  public byte[] privateKeyInsecure() {
    return privateKey.getEncoded();
  }

  /**
   * Computes the raw X25519 shared secret with {@code peer}.
   *
   * @throws SealException if the peer key is a low-order point (all-zero shared secret)
   */
  byte[] agree(SealPublicKey peer) throws SealException {
    X25519Agreement agreement = new X25519Agreement();
    agreement.init(privateKey);
    byte[] shared = new byte[agreement.getAgreementSize()];
    try {
      agreement.calculateAgreement(new X25519PublicKeyParameters(peer.encoded(), 0), shared, 0);
    } catch (IllegalStateException e) {
      throw new SealException("X25519 agreement failed: peer key is a low-order point", e);
    }
    return shared;
  }

  @Override
  public String toString() {
    return "SealKeyPair[public=" + publicKey + "]";
  }
}
