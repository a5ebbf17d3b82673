package dev.tandem.crypto.secagg;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Hash commitments a site signs in its advertisement, so that every secret reconstructed from
 * shares, and every single share, can be checked against what its dealer committed to.
 *
 * <p>A commitment is SHA-256 over a label, the kind, the round, the dealer, the holder (the dealer
 * again for the secret itself) and the value, each length-prefixed. The values are 32 uniformly
 * random bytes (a seed, or a share of a polynomial with at least one random coefficient), so the
 * hash reveals nothing about them. Stateless.
 */
final class Commitments {
  static final int LENGTH = 32;
  static final String KEY_SHARE = "key-share";
  static final String SELF_MASK_SHARE = "self-mask-share";
  static final String SELF_MASK_SEED = "self-mask-seed";
  private static final byte[] LABEL = "tandem/secagg/commitment/v1".getBytes(StandardCharsets.US_ASCII);

  private Commitments() {}

  /** The commitment of {@code dealer} to {@code value} of kind {@code kind} held by {@code holder}. */
  static byte[] commit(String kind, String roundId, String dealer, String holder, byte[] value) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(MaskingKeys.lengthPrefixed(LABEL, utf8(kind),
          utf8(roundId), utf8(dealer), utf8(holder), value));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is unavailable in this JDK", e);
    }
  }

  /** Whether {@code value} opens {@code commitment}; compares in constant time. */
  static boolean opens(byte[] commitment, String kind, String roundId, String dealer, String holder, byte[] value) {
    return MessageDigest.isEqual(commitment, commit(kind, roundId, dealer, holder, value));
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
