package dev.tandem.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** A command that only groups subcommands ({@code tandem certs}, {@code tandem audit}, ...): run alone, it names them and fails. */
public abstract class CommandGroup implements Callable<Integer> {
  @Spec
  private CommandSpec spec;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
  private boolean help;

  /** Without a subcommand: prints which ones there are and the usage to stderr, and fails. */
  @Override
  public final Integer call() {
    spec.commandLine().getErr().println(spec.qualifiedName() + ": missing subcommand ("
        + String.join(", ", spec.subcommands().keySet()) + ")");
    spec.commandLine().usage(spec.commandLine().getErr());
    return 1;
  }
}
