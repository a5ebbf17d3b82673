package dev.tandem.crypto.secagg;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import java.util.Objects;
import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The pseudorandom generator that expands a 32-byte mask seed into a vector over Z_2^64.
 *
 * <p>The seed is used directly as an AES-256 key and the generator outputs the AES-CTR keystream
 * from an all-zero initial counter block, read as little-endian longs. Seeds are uniformly random
 * (self masks) or HKDF outputs (pairwise masks) and each seeds one stream only, so no further
 * derivation is needed. The keystream is produced in chunks of {@value #CHUNK_BYTES} bytes by the
 * JDK's intrinsified AES-CTR and folded into the target with a {@link VarHandle} view.
 *
 * <p>Not thread-safe: one instance per thread. An instance reuses its cipher and keystream buffer
 * across seeds, so expanding a seed allocates only its key objects, whatever the length.
 */
public final class MaskPrg {
  /** Length of a seed in bytes. */
  public static final int SEED_LENGTH = 32;

  static final int CHUNK_BYTES = 32 * 1024;
  private static final int CHUNK_LONGS = CHUNK_BYTES / Long.BYTES;
  private static final byte[] ZEROS = new byte[CHUNK_BYTES];
  private static final byte[] ZERO_IV = new byte[16];
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private final Cipher cipher;
  private final byte[] keystream = new byte[CHUNK_BYTES];

  /** Creates a generator. */
  public MaskPrg() {
    try {
      cipher = Cipher.getInstance("AES/CTR/NoPadding");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES/CTR/NoPadding is unavailable in this JDK", e);
    }
  }

  /**
   * Returns the first {@code length} words of the stream of {@code seed}.
   *
   * @throws IllegalArgumentException if the seed is not 32 bytes or the length is negative
   */
  public long[] expand(byte[] seed, int length) {
    if (length < 0) {
      throw new IllegalArgumentException("length must be >= 0, got " + length);
    }
    long[] out = new long[length];
    add(seed, out);
    return out;
  }

  /**
   * Adds the stream of {@code seed} to {@code target} word by word, modulo 2^64.
   *
   * @throws IllegalArgumentException if the seed is not 32 bytes
   */
  public void add(byte[] seed, long[] target) {
    apply(seed, target, false);
  }

  /**
   * Subtracts the stream of {@code seed} from {@code target} word by word, modulo 2^64.
   *
   * @throws IllegalArgumentException if the seed is not 32 bytes
   */
  public void subtract(byte[] seed, long[] target) {
    apply(seed, target, true);
  }

  private void apply(byte[] seed, long[] target, boolean subtract) {
    Objects.requireNonNull(seed, "seed");
    Objects.requireNonNull(target, "target");
    if (seed.length != SEED_LENGTH) {
      throw new IllegalArgumentException("seed must be " + SEED_LENGTH + " bytes, got " + seed.length);
    }
    try {
      cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(seed, "AES"), new IvParameterSpec(ZERO_IV));
      for (int start = 0; start < target.length; start += CHUNK_LONGS) {
        int words = Math.min(CHUNK_LONGS, target.length - start);
        int bytes = words * Long.BYTES;
        cipher.update(ZEROS, 0, bytes, keystream, 0);
        if (subtract) {
          for (int i = 0; i < words; i++) {
            target[start + i] -= (long) LONGS.get(keystream, i * Long.BYTES);
          }
        } else {
          for (int i = 0; i < words; i++) {
            target[start + i] += (long) LONGS.get(keystream, i * Long.BYTES);
          }
        }
      }
    } catch (ShortBufferException e) {
      throw new IllegalStateException("keystream buffer too short", e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-256 is unavailable in this JDK", e);
    }
  }
}
