package dev.tandem.cli.certs;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Runs a certs subcommand and turns a user error into one line on stderr and exit code 1. */
abstract class CertsSubcommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
  boolean help;

  @Override
  public final Integer call() {
    try {
      return run(spec.commandLine().getOut());
    } catch (IllegalArgumentException | IllegalStateException e) {
      return fail(e.getMessage());
    } catch (UncheckedIOException e) {
      return fail(describe(e.getCause()));
    } catch (IOException e) {
      return fail(describe(e));
    }
  }

  /** The command's work; returns the exit code. */
  abstract int run(PrintWriter out) throws IOException;

  int fail(String message) {
    PrintWriter err = spec.commandLine().getErr();
    err.println(spec.qualifiedName() + ": " + message);
    err.flush();
    return 1;
  }

  private static String describe(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file: " + e.getMessage();
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied: " + e.getMessage();
    }
    if (e instanceof FileAlreadyExistsException) {
      return "file already exists: " + e.getMessage();
    }
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }
}
