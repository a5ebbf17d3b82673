package dev.tandem.bench;

import java.time.Duration;
import java.util.Objects;

/**
 * How long JMH warms up and measures each benchmark, and in how many forked JVMs.
 *
 * @param warmupIterations warmup iterations per fork, at least 0
 * @param warmupTime the length of one warmup iteration, positive
 * @param measurementIterations measured iterations per fork, at least 1
 * @param measurementTime the length of one measured iteration, positive
 * @param forks forked JVMs per benchmark, at least 1 (0 would measure in the runner's JVM)
 */
public record RunSettings(
    int warmupIterations, Duration warmupTime, int measurementIterations, Duration measurementTime, int forks) {

  /** Short runs for a noisy two-core machine: 2 warmup and 3 measured iterations of 1 s, one fork. */
  public static final RunSettings DEFAULT = new RunSettings(2, Duration.ofSeconds(1), 3, Duration.ofSeconds(1), 1);

  /**
   * Validates the settings.
   *
   * @throws IllegalArgumentException naming the bad value
   */
  public RunSettings {
    Objects.requireNonNull(warmupTime, "warmupTime");
    Objects.requireNonNull(measurementTime, "measurementTime");
    if (warmupIterations < 0) {
      throw new IllegalArgumentException("warmupIterations must be >= 0, got " + warmupIterations);
    }
    if (measurementIterations < 1) {
      throw new IllegalArgumentException("measurementIterations must be >= 1, got " + measurementIterations);
    }
    if (warmupTime.isNegative() || warmupTime.isZero()) {
      throw new IllegalArgumentException("warmupTime must be positive, got " + warmupTime);
    }
    if (measurementTime.isNegative() || measurementTime.isZero()) {
      throw new IllegalArgumentException("measurementTime must be positive, got " + measurementTime);
    }
    if (forks < 1) {
      throw new IllegalArgumentException("forks must be >= 1, got " + forks);
    }
  }
}
