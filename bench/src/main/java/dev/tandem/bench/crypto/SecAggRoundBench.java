package dev.tandem.bench.crypto;

import dev.tandem.bench.Baseline;
import dev.tandem.crypto.secagg.SecAggClient;
import dev.tandem.crypto.secagg.SecAggConfig;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
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
 * One whole secure aggregation round in memory, without network: N {@link SecAggClient}s and a
 * {@link SecAggServer} driven through the four stages in one thread (so the score is the work of
 * all sites plus the coordinator, which a real round spreads over N + 1 machines), against the
 * plaintext sum of the same N vectors of d doubles.
 *
 * <p>Dropout: {@code none}; {@code 30pct-after-input}: round(0.3 N) sites send their masked input
 * and then miss the unmasking stage (the sum still covers them); {@code 30pct-before-input}, not
 * run by default (add {@code --param dropout=none,30pct-after-input,30pct-before-input}): they share
 * their keys and then never send a masked input, so the server reconstructs their masking keys and
 * removes their pairwise masks from every survivor's input, the case the scenario runner times. Each
 * configuration is checked once against the plaintext sum before it is measured, after rounds
 * with d = 1 have warmed up the signature code ({@link SecAggSites#warmUp}).
 *
 * <p>Run: {@code bench/run.sh crypto --include SecAggRoundBench} (add {@code --param d=10000} for
 * the small vectors only).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class SecAggRoundBench {
  static final String NONE = "none";
  static final String BEFORE_INPUT = "30pct-before-input";
  static final String AFTER_INPUT = "30pct-after-input";

  /** The round's sites, parameters and inputs. */
  @State(Scope.Thread)
  public static class Secure {
    @Param({"3", "10"})
    public int n;

    @Param({"10000", "1000000"})
    public int d;

    @Param({NONE, AFTER_INPUT})
    public String dropout;

    SecAggSites sites;
    SecAggConfig config;
    double[][] inputs;
    final Set<String> withoutInput = new TreeSet<>();
    final Set<String> withoutUnmasking = new TreeSet<>();

    @Setup
    public void setUp() {
      sites = new SecAggSites(n);
      config = sites.config("bench-round", d);
      inputs = inputs(n, d);
      int drops = (int) Math.round(0.3 * n);
      List<String> last = sites.ids.subList(n - drops, n);
      switch (dropout) {
        case NONE -> { }
        case BEFORE_INPUT -> withoutInput.addAll(last);
        case AFTER_INPUT -> withoutUnmasking.addAll(last);
        default -> throw new IllegalArgumentException("unknown dropout " + dropout
            + ", expected " + List.of(NONE, BEFORE_INPUT, AFTER_INPUT));
      }
      sites.warmUp(SecAggSites.WARM_UP_VERIFICATIONS);
      check(sites.round(config, inputs, withoutInput, withoutUnmasking));
    }

    private void check(double[] sum) {
      double[] expected = new double[d];
      for (int i = 0; i < n; i++) {
        if (!withoutInput.contains(sites.ids.get(i))) {
          add(inputs[i], expected);
        }
      }
      for (int j = 0; j < d; j++) {
        if (Math.abs(sum[j] - expected[j]) > 1e-3) {
          throw new IllegalStateException("secure sum differs from the plaintext sum at " + j + ": " + sum[j]
              + " vs " + expected[j]);
        }
      }
    }
  }

  /** The same N inputs, for the baseline. */
  @State(Scope.Thread)
  public static class Plain {
    @Param({"3", "10"})
    public int n;

    @Param({"10000", "1000000"})
    public int d;

    double[][] inputs;

    @Setup
    public void setUp() {
      inputs = inputs(n, d);
    }
  }

  @Benchmark
  @Baseline("plaintextSum")
  public double[] secureRound(Secure round) {
    return round.sites.round(round.config, round.inputs, round.withoutInput, round.withoutUnmasking);
  }

  /** Baseline: the plaintext sum of the N vectors. */
  @Benchmark
  public double[] plaintextSum(Plain plain) {
    double[] sum = new double[plain.d];
    for (double[] input : plain.inputs) {
      add(input, sum);
    }
    return sum;
  }

  private static void add(double[] input, double[] sum) {
    for (int j = 0; j < sum.length; j++) {
      sum[j] += input[j];
    }
  }

  /** N reproducible vectors of d model-update-like values in [-0.1, 0.1). */
  static double[][] inputs(int n, int d) {
    SplittableRandom random = new SplittableRandom(42);
    double[][] inputs = new double[n][d];
    for (double[] input : inputs) {
      for (int j = 0; j < d; j++) {
        input[j] = (random.nextDouble() - 0.5) * 0.2;
      }
    }
    return inputs;
  }
}
