package dev.tandem.crypto.secagg;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.crypto.agreement.X25519Agreement;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.bouncycastle.crypto.params.X25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.X25519PublicKeyParameters;

/**
 * The X25519 masking key pair (s_sk, s_pk) of one site and the derivation of pairwise mask seeds.
 *
 * <p>Immutable and thread-safe.
 */
final class MaskingKeys {
  static final int KEY_LENGTH = 32;
  private static final byte[] LABEL = "tandem/secagg/pairwise-mask/v1".getBytes(StandardCharsets.US_ASCII);

  private final X25519PrivateKeyParameters privateKey;
  private final byte[] publicKey;

  private MaskingKeys(X25519PrivateKeyParameters privateKey) {
    this.privateKey = privateKey;
    this.publicKey = privateKey.generatePublicKey().getEncoded();
  }

  static MaskingKeys generate(SecureRandom random) {
    return new MaskingKeys(new X25519PrivateKeyParameters(random));
  }

  /** Rebuilds the key pair from a raw private key, for instance one reconstructed from shares. */
  static MaskingKeys fromPrivateKeyInsecure(byte[] privateKey) {
    if (privateKey.length != KEY_LENGTH) {
      throw new IllegalArgumentException("X25519 private key must be 32 bytes, got " + privateKey.length);
    }
    return new MaskingKeys(new X25519PrivateKeyParameters(privateKey, 0));
  }

  byte[] publicKey() {
    return publicKey.clone();
  }

  byte[] privateKeyInsecure() {
    return privateKey.getEncoded();
  }

  /**
   * Returns the pairwise seed s_uv = HKDF-SHA256(X25519(s_u_sk, s_v_pk), info = label, round, the
   * two site ids in ascending order), which both sites of the pair derive alike.
   *
   * @throws IllegalArgumentException if the peer key is a low-order point
   */
  byte[] pairwiseSeed(byte[] peerPublicKey, String roundId, String site, String peer) {
    X25519Agreement agreement = new X25519Agreement();
    agreement.init(privateKey);
    byte[] shared = new byte[agreement.getAgreementSize()];
    try {
      agreement.calculateAgreement(new X25519PublicKeyParameters(peerPublicKey, 0), shared, 0);
    } catch (IllegalStateException e) {
      throw new IllegalArgumentException("masking key of " + peer + " is a low-order point", e);
    }
    boolean ascending = site.compareTo(peer) < 0;
    byte[] info = lengthPrefixed(LABEL, utf8(roundId), utf8(ascending ? site : peer), utf8(ascending ? peer : site));
    HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
    hkdf.init(new HKDFParameters(shared, new byte[0], info));
    byte[] seed = new byte[MaskPrg.SEED_LENGTH];
    hkdf.generateBytes(seed, 0, seed.length);
    Arrays.fill(shared, (byte) 0);
    return seed;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] lengthPrefixed(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.write(part.length >>> 24);
      out.write(part.length >>> 16);
      out.write(part.length >>> 8);
      out.write(part.length);
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  @Override
  public String toString() {
    return "MaskingKeys[public only]";
  }
}
