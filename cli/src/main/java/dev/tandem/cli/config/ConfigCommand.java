package dev.tandem.cli.config;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tandem config}: checks configuration files before they are used. */
@Command(name = "config", description = "Check a node, coordinator or job file before it is used.",
    subcommands = {CheckCommand.class})
public final class ConfigCommand implements Callable<Integer> {
  @Spec
  private CommandSpec spec;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
  private boolean help;

  /** Without a subcommand: prints the usage to stderr and fails. */
  @Override
  public Integer call() {
    spec.commandLine().getErr().println(spec.qualifiedName() + ": missing subcommand (check)");
    spec.commandLine().usage(spec.commandLine().getErr());
    return 1;
  }
}
