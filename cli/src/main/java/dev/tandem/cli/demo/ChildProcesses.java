package dev.tandem.cli.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts {@code tandem} subcommands as separate JVMs on this machine's classpath, each logging to
 * its own file, and stops them all on close.
 */
public final class ChildProcesses implements AutoCloseable {
  private final Path logDir;
  private final List<Process> processes = new ArrayList<>();

  public ChildProcesses(Path logDir) {
    this.logDir = logDir;
  }

  /** Starts {@code tandem ARGS...} in a new JVM, logging to {@code logs/NAME.log}. */
  public Process start(String name, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx2g"); // a vertical job's SSHE_SETUP carries every party's encrypted features (tens of MB)
    command.add("-XX:+UseSerialGC");
    command.add("--add-opens=java.base/java.math=ALL-UNNAMED"); // the JDK's Montgomery kernel for Paillier
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("dev.tandem.cli.Main");
    command.addAll(List.of(args));
    Path log = logDir.resolve(name + ".log");
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    processes.add(p);
    return p;
  }

  /**
   * Waits for a file a child writes once it is ready (e.g. the coordinator's port file).
   *
   * @throws IllegalStateException if the child exits first or the timeout passes, with its log's path
   */
  public String awaitFile(Process child, String name, Path file, Duration timeout)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.exists(file)) {
        return Files.readString(file).trim();
      }
      if (!child.isAlive()) {
        throw new IllegalStateException(name + " exited with code " + child.exitValue() + "; see "
            + logDir.resolve(name + ".log"));
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException(name + " was not ready within " + timeout.toSeconds() + " s; see "
        + logDir.resolve(name + ".log"));
  }

  /** Stops one child: a polite SIGTERM first (shutdown hooks run), then a kill. */
  public static void stop(Process p) {
    p.destroy();
    try {
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
    }
  }

  @Override
  public void close() {
    for (Process p : processes) {
      p.destroy();
    }
    for (Process p : processes) {
      stop(p);
    }
  }
}
