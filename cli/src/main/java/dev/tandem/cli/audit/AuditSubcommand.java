package dev.tandem.cli.audit;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Runs an audit subcommand; a user error becomes one line on stderr and exit code 1. */
abstract class AuditSubcommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
  boolean help;

  @Override
  public final Integer call() {
    try {
      return run(spec.commandLine().getOut(), spec.commandLine().getErr());
    } catch (IllegalArgumentException | IllegalStateException e) {
      return fail(e.getMessage());
    } catch (UncheckedIOException e) {
      IOException cause = e.getCause();
      return fail(cause instanceof NoSuchFileException ? "no such file: " + cause.getMessage() : e.getMessage());
    }
  }

  /** The command's work; returns the exit code. */
  abstract int run(PrintWriter out, PrintWriter err);

  int fail(String message) {
    PrintWriter err = spec.commandLine().getErr();
    err.println(spec.qualifiedName() + ": " + message);
    err.flush();
    return 1;
  }
}
