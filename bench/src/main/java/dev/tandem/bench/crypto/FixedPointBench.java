package dev.tandem.bench.crypto;

import dev.tandem.bench.Baseline;
import dev.tandem.crypto.secagg.FixedPoint;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Fixed-point encoding ({@link FixedPoint#encode}: finiteness check, clipping, round(x * 2^f)) of
 * d doubles with the coordinator's encoding (f = 16, clip = 2^30), against a plain loop that
 * multiplies by 2^16 and casts. Both allocate their output.
 *
 * <p>Run: {@code bench/run.sh crypto --include FixedPointBench}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class FixedPointBench {
  private static final double SCALE = 0x1p16;

  @Param({"1000000"})
  public int d;

  private final FixedPoint encoding = new FixedPoint(SecAggSites.FRACTIONAL_BITS, SecAggSites.CLIP);
  private double[] values;

  @Setup
  public void setUp() {
    SplittableRandom random = new SplittableRandom(1);
    values = new double[d];
    for (int i = 0; i < d; i++) {
      values[i] = (random.nextDouble() - 0.5) * 0.2;
    }
  }

  @Benchmark
  @Baseline("multiplyAndCast")
  public long[] encode() {
    return encoding.encode(values);
  }

  /** Baseline: out[i] = (long) (x[i] * 2^16). */
  @Benchmark
  public long[] multiplyAndCast() {
    long[] out = new long[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (long) (values[i] * SCALE);
    }
    return out;
  }
}
