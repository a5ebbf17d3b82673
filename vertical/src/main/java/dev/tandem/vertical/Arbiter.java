package dev.tandem.vertical;

import dev.tandem.crypto.paillier.PaillierCiphertext;
import dev.tandem.crypto.paillier.PaillierParameters;
import dev.tandem.crypto.paillier.PaillierPrivateKey;
import dev.tandem.crypto.paillier.PaillierPublicKey;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Objects;

/**
 * The arbiter of encrypted-gradient logistic regression: holds the Paillier private key of one job
 * and decrypts what the parties send it. Every party masks what it sends with a fresh uniform value
 * mod n, so each decryption is uniform in Z_n and tells the arbiter nothing about gradients,
 * residuals, labels or losses. Thread-safe.
 */
public final class Arbiter {
  /** The most ciphertexts one request may ask to decrypt. */
  public static final int MAX_DECRYPTIONS = 64;

  private final PaillierPrivateKey key;

  private Arbiter(PaillierPrivateKey key) {
    this.key = key;
  }

  /** Generates a fresh key pair of {@code parameters} for one job. */
  public static Arbiter generate(PaillierParameters parameters, SecureRandom random) {
    return new Arbiter(PaillierPrivateKey.generate(parameters, random));
  }

  /** Returns the public key the parties encrypt under. */
  public PaillierPublicKey publicKey() {
    return key.publicKey();
  }

  /**
   * Decrypts masked values.
   *
   * @throws IllegalArgumentException if there are none, more than {@link #MAX_DECRYPTIONS}, or one
   *     is not a valid ciphertext under this key
   */
  public BigInteger[] decrypt(PaillierCiphertext[] masked) {
    Objects.requireNonNull(masked, "masked");
    if (masked.length == 0 || masked.length > MAX_DECRYPTIONS) {
      throw new IllegalArgumentException("an arbiter request must hold 1 to " + MAX_DECRYPTIONS
          + " ciphertexts, got " + masked.length);
    }
    return key.decryptAll(masked);
  }
}
