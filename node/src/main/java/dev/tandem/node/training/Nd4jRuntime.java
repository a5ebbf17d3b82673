package dev.tandem.node.training;

import org.nd4j.linalg.factory.Nd4j;

/**
 * Starts nd4j once per JVM, quietly (its start-up banner is lowered to warnings), with
 * {@value #THREADS_PROPERTY} threads for its element-wise ops and BLAS (default 1).
 *
 * <p>Training works on small blocks, where waking a second thread costs more than it saves and, on a
 * busy machine, makes an op wait for a descheduled thread (measured: epochs up to 5x slower and
 * erratic with 2 threads on 2 loaded cores). Parallelism comes from training several jobs at once.
 */
final class Nd4jRuntime {

  /** The system property that sets nd4j's thread count. */
  static final String THREADS_PROPERTY = "tandem.nd4j.threads";

  private static final String[] QUIET_LOGGERS = {"org.nd4j", "org.bytedeco"};

  private Nd4jRuntime() {
  }

  /**
   * Ensures the native backend is loaded.
   *
   * @throws IllegalStateException when the nd4j native backend cannot be loaded on this machine
   */
  static void ensureStarted() {
    Holder.touch();
  }

  private static final class Holder {
    static {
      for (String logger : QUIET_LOGGERS) {
        String key = "org.slf4j.simpleLogger.log." + logger;
        if (System.getProperty(key) == null) {
          System.setProperty(key, "warn");
        }
      }
      int threads = Math.max(1, Integer.getInteger(THREADS_PROPERTY, 1));
      try {
        Nd4j.getBackend();
        Nd4j.getEnvironment().setMaxMasterThreads(threads);
        Nd4j.getEnvironment().setMaxThreads(threads);
        Nd4j.factory().blas().setMaxThreads(threads);
      } catch (RuntimeException | LinkageError e) {
        throw new IllegalStateException("the nd4j native backend cannot be loaded: " + e.getMessage(), e);
      }
    }

    static void touch() {
    }
  }
}
