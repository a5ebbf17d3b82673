package dev.tandem.bench.psi;

import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * Wall and process CPU seconds of a piece of work; the CPU time counts every thread of this JVM
 * (workers, JIT, GC), so it stays stable when other processes share the cores.
 */
record Timing(double wall, double cpu) {
  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  /** Larger than any real timing: the identity of {@link #min}. */
  static final Timing NONE = new Timing(Double.MAX_VALUE, Double.MAX_VALUE);

  /** A point in time on both clocks. */
  record Start(long wallNanos, long cpuNanos) {}

  static Start start() {
    return new Start(System.nanoTime(), OS.getProcessCpuTime());
  }

  static Timing since(Start start) {
    return new Timing((System.nanoTime() - start.wallNanos()) / 1e9, (OS.getProcessCpuTime() - start.cpuNanos()) / 1e9);
  }

  /** Times work. */
  static Timing of(Runnable work) {
    Start start = start();
    work.run();
    return since(start);
  }

  /** The smaller wall and the smaller CPU time, each taken on its own (they may come from different runs). */
  Timing min(Timing other) {
    return new Timing(Math.min(wall, other.wall), Math.min(cpu, other.cpu));
  }

  Timing minus(Timing earlier) {
    return new Timing(wall - earlier.wall, cpu - earlier.cpu);
  }

  String json() {
    return String.format(Locale.ROOT, "{\"wallSeconds\":%.4f,\"cpuSeconds\":%.4f}", wall, cpu);
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%.2f s (cpu %.2f s)", wall, cpu);
  }
}
