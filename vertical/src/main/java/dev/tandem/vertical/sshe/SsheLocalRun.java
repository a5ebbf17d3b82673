package dev.tandem.vertical.sshe;

import dev.tandem.crypto.paillier.PaillierParameters;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Runs every party of a secret-shared job in this process, passing every message through its wire
 * form: the reference run for tests and benchmarks. A {@link Relay} sees (and in attack tests may
 * change) each message on its way.
 */
public final class SsheLocalRun {
  private SsheLocalRun() {}

  /** Carries each message from its sender to its recipient; may drop, change or add messages. */
  @FunctionalInterface
  public interface Relay {
    /** Returns the messages to deliver in place of {@code message} (identity: a list of it). */
    List<SsheMessage> carry(SsheMessage message);

    /** The honest relay. */
    static Relay honest() {
      return m -> List.of(m);
    }
  }

  /**
   * What a run produced.
   *
   * @param weights each party's revealed weights, guest first (its intercept last)
   * @param setupSeconds wall time of key generation and feature encryption and exchange
   * @param epochSeconds wall time of each epoch
   */
  public record Result(List<double[]> weights, double setupSeconds, List<Double> epochSeconds, List<Double> losses,
      double auc, double setupCpuSeconds, List<Double> epochCpuSeconds, double evaluationSeconds) {
    /** Returns sum_P x_P . w_P (plus the intercept) for row i of the given tables. */
    public double score(double[][] guest, List<double[][]> hosts, int i) {
      double[] wg = weights.get(0);
      double z = wg[wg.length - 1];
      for (int j = 0; j < guest[i].length; j++) {
        z += guest[i][j] * wg[j];
      }
      for (int h = 0; h < hosts.size(); h++) {
        double[] w = weights.get(h + 1);
        for (int j = 0; j < w.length; j++) {
          z += hosts.get(h)[i][j] * w[j];
        }
      }
      return z;
    }
  }

  /** Runs {@code epochs} epochs with an honest relay. */
  public static Result run(SsheConfig config, int epochs, PaillierParameters parameters, double[][] guest,
      boolean[] labels, List<double[][]> hosts, SecureRandom random) {
    return run(config, epochs, parameters, guest, labels, hosts, random, Relay.honest(), UnaryOperator.identity());
  }

  /**
   * Runs {@code epochs} epochs; {@code replace} may swap a party for an instrumented one (attack
   * tests), {@code relay} carries every message.
   */
  public static Result run(SsheConfig config, int epochs, PaillierParameters parameters, double[][] guest,
      boolean[] labels, List<double[][]> hosts, SecureRandom random, Relay relay,
      UnaryOperator<SsheParty> replace) {
    return run(config, epochs, parameters, guest, labels, hosts, random, relay, replace, p -> null, e -> new int[0]);
  }

  /** As above, with each party's key given by {@code keys} (null: a fresh one); for attack tests. */
  static Result run(SsheConfig config, int epochs, PaillierParameters parameters, double[][] guest,
      boolean[] labels, List<double[][]> hosts, SecureRandom random, Relay relay,
      UnaryOperator<SsheParty> replace, java.util.function.IntFunction<dev.tandem.crypto.paillier.PaillierPrivateKey> keys,
      java.util.function.IntFunction<int[]> droppedAt) {
    long t0 = System.nanoTime();
    long cpu0 = cpuNanos();
    int[] counts = new int[hosts.size() + 1];
    counts[0] = guest[0].length;
    for (int h = 0; h < hosts.size(); h++) {
      counts[h + 1] = hosts.get(h)[0].length;
    }
    List<SsheParty> parties = new ArrayList<>();
    parties.add(replace.apply(new SsheParty(0, counts, config, parameters, guest, labels, random, keys.apply(0))));
    for (int h = 0; h < hosts.size(); h++) {
      parties.add(replace.apply(new SsheParty(h + 1, counts, config, parameters, hosts.get(h), null, random, keys.apply(h + 1))));
    }
    deliver(parties, parties.parallelStream().flatMap(p -> p.features().stream()).toList(), relay);
    double setup = (System.nanoTime() - t0) / 1e9;
    double setupCpu = (cpuNanos() - cpu0) / 1e9;
    List<Double> epochCpu = new ArrayList<>();
    List<Double> epochSeconds = new ArrayList<>();
    List<Double> losses = new ArrayList<>();
    int steps = parties.get(0).batches().count();
    for (int e = 0; e < epochs; e++) {
      long start = System.nanoTime();
      long cpuStart = cpuNanos();
      int epoch = e;
      int[] drop = droppedAt.apply(e);
      deliver(parties, parties.parallelStream().flatMap(p -> p.dropRows(epoch, drop).stream()).toList(), relay);
      for (int s = 0; s < steps; s++) {
        int step = s;
        deliver(parties, parties.parallelStream().flatMap(p -> p.forward(epoch, step).stream()).toList(), relay);
        deliver(parties, parties.parallelStream().flatMap(p -> p.gradient().stream()).toList(), relay);
        parties.parallelStream().forEach(SsheParty::update);
      }
      deliver(parties, parties.parallelStream().flatMap(p -> p.lossOperands().stream()).toList(), relay);
      deliver(parties, parties.parallelStream().flatMap(p -> p.lossProducts().stream()).toList(), relay);
      deliver(parties, parties.parallelStream().flatMap(p -> p.lossShares().stream()).toList(), relay);
      losses.add(parties.get(0).epochLoss());
      epochSeconds.add((System.nanoTime() - start) / 1e9);
      epochCpu.add((cpuNanos() - cpuStart) / 1e9);
    }
    long evaluationStart = System.nanoTime();
    deliver(parties, parties.stream().flatMap(p -> p.reveal().stream()).toList(), relay);
    List<double[]> weights = parties.stream().map(SsheParty::weights).toList();
    for (int round = 1; round < parties.size(); round++) {
      int r = round;
      deliver(parties, parties.stream().flatMap(p -> p.evaluationRows(r).stream()).toList(), relay);
    }
    deliver(parties, parties.stream().flatMap(p -> p.evaluationHistogram().stream()).toList(), relay);
    deliver(parties, parties.stream().flatMap(p -> p.evaluationOperands().stream()).toList(), relay);
    deliver(parties, parties.stream().flatMap(p -> p.evaluationProduct().stream()).toList(), relay);
    deliver(parties, parties.stream().flatMap(p -> p.evaluationShare().stream()).toList(), relay);
    double auc = parties.get(0).auc();
    return new Result(weights, setup, epochSeconds, losses, auc, setupCpu, epochCpu,
        (System.nanoTime() - evaluationStart) / 1e9);
  }

  private static long cpuNanos() {
    java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0;
  }

  private static void deliver(List<SsheParty> parties, List<SsheMessage> messages, Relay relay) {
    List<SsheMessage> carried = new ArrayList<>();
    for (SsheMessage m : messages) {
      for (SsheMessage c : relay.carry(SsheMessage.fromBytes(m.toBytes()))) {
        carried.add(SsheMessage.fromBytes(c.toBytes()));
      }
    }
    // each recipient takes its messages in order; recipients in parallel (they decrypt)
    parties.parallelStream().forEach(p -> {
      for (SsheMessage m : carried) {
        if (m.to() == p.index()) {
          p.accept(m);
        }
      }
    });
  }
}
