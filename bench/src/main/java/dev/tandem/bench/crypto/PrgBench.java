package dev.tandem.bench.crypto;

import dev.tandem.bench.Baseline;
import dev.tandem.crypto.secagg.MaskPrg;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Mask PRG expansion ({@link MaskPrg}) of one seed into d words, against the raw JDK AES/CTR/NoPadding
 * keystream of the same 8d bytes, the physical limit of the primitive. Besides ops/s each benchmark
 * reports the secondary score {@code bytes}: keystream bytes per second.
 *
 * <p>Run: {@code bench/run.sh crypto --include PrgBench} (or {@code --param d=10000} for one size).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PrgBench {
  private static final int CHUNK = 32 * 1024;

  @Param({"10000", "1000000"})
  public int d;

  private final MaskPrg prg = new MaskPrg();
  private final byte[] seed = new byte[MaskPrg.SEED_LENGTH];
  private long[] target;
  private Cipher aesCtr;
  private final byte[] zeros = new byte[CHUNK];
  private final byte[] keystream = new byte[CHUNK];

  /** Counts the keystream bytes produced; JMH reports them per second. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Bytes {
    public long bytes;

    @Setup(Level.Iteration)
    public void reset() {
      bytes = 0;
    }
  }

  @Setup
  public void setUp() throws GeneralSecurityException {
    new SecureRandom().nextBytes(seed);
    target = new long[d];
    aesCtr = Cipher.getInstance("AES/CTR/NoPadding");
  }

  /** A fresh vector holding the stream: allocation included. */
  @Benchmark
  @Baseline("jdkAesCtr")
  public long[] expand(Bytes counter) {
    counter.bytes += 8L * d;
    return prg.expand(seed, d);
  }

  /** The stream added into an existing vector, as a client adds each of its masks. */
  @Benchmark
  @Baseline("jdkAesCtr")
  public long[] add(Bytes counter) {
    counter.bytes += 8L * d;
    prg.add(seed, target);
    return target;
  }

  /** The limit: the same key set-up and 8d bytes of AES-256-CTR keystream into a reused 32 KiB buffer. */
  @Benchmark
  public byte[] jdkAesCtr(Bytes counter) throws GeneralSecurityException {
    int bytes = 8 * d;
    counter.bytes += bytes;
    aesCtr.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(seed, "AES"), new IvParameterSpec(new byte[16]));
    for (int start = 0; start < bytes; start += CHUNK) {
      aesCtr.update(zeros, 0, Math.min(CHUNK, bytes - start), keystream, 0);
    }
    return keystream;
  }
}
