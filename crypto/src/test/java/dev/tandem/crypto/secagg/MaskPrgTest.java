package dev.tandem.crypto.secagg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.bouncycastle.crypto.StreamCipher;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.SICBlockCipher;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MaskPrgTest {
  private static final int CHUNK_LONGS = MaskPrg.CHUNK_BYTES / Long.BYTES;

  private static byte[] seed(int value) {
    byte[] seed = new byte[32];
    new SplittableRandom(value).nextBytes(seed);
    return seed;
  }

  /** The same stream from an independent implementation: BouncyCastle AES in CTR (SIC) mode. */
  private static long[] reference(byte[] seed, int length) {
    StreamCipher ctr = SICBlockCipher.newInstance(AESEngine.newInstance());
    ctr.init(true, new ParametersWithIV(new KeyParameter(seed), new byte[16]));
    byte[] keystream = new byte[length * Long.BYTES];
    ctr.processBytes(new byte[keystream.length], 0, keystream.length, keystream, 0);
    long[] out = new long[length];
    ByteBuffer.wrap(keystream).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(out);
    return out;
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 3, 1000, CHUNK_LONGS - 1, CHUNK_LONGS, CHUNK_LONGS + 1, 2 * CHUNK_LONGS + 3})
  void expand_anyLength_matchesIndependentAesCtr(int length) {
    byte[] seed = seed(length);
    assertArrayEquals(reference(seed, length), new MaskPrg().expand(seed, length));
  }

  @Test
  void subtract_afterAdd_restoresTarget() {
    long[] target = new SplittableRandom(1).longs(3 * CHUNK_LONGS + 5).toArray();
    long[] original = target.clone();
    MaskPrg prg = new MaskPrg();
    prg.add(seed(1), target);
    assertFalse(Arrays.equals(original, target));
    prg.subtract(seed(1), target);
    assertArrayEquals(original, target);
  }

  @Test
  void add_reusedInstance_isDeterministicPerSeed() {
    MaskPrg prg = new MaskPrg();
    long[] first = prg.expand(seed(2), 777);
    prg.expand(seed(3), 5000);
    assertArrayEquals(first, prg.expand(seed(2), 777));
    long[] prefix = prg.expand(seed(2), 10);
    assertArrayEquals(Arrays.copyOf(first, 10), prefix);
  }

  @Test
  void expand_differentSeeds_giveDifferentStreams() {
    MaskPrg prg = new MaskPrg();
    long[] a = prg.expand(seed(4), 64);
    long[] b = prg.expand(seed(5), 64);
    int equal = 0;
    for (int i = 0; i < a.length; i++) {
      equal += a[i] == b[i] ? 1 : 0;
    }
    assertEquals(0, equal);
  }

  @Test
  void add_wrongSeedLength_throws() {
    MaskPrg prg = new MaskPrg();
    assertThrows(IllegalArgumentException.class, () -> prg.add(new byte[16], new long[4]));
    assertThrows(IllegalArgumentException.class, () -> prg.expand(new byte[32], -1));
  }
}
