package dev.tandem.cli.consent;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tandem consent}: the node's consent registry on the command line; every change is audited. */
@Command(
    name = "consent",
    description = "Import, grant, revoke and erase consent in a node's registry (each change goes into its audit log).",
    subcommands = {ImportCommand.class, GrantCommand.class, RevokeCommand.class, EraseCommand.class})
public final class ConsentCommand implements Callable<Integer> {
  @Spec
  private CommandSpec spec;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
  private boolean help;

  /** Without a subcommand: prints the usage to stderr and fails. */
  @Override
  public Integer call() {
    spec.commandLine().getErr().println(spec.qualifiedName() + ": missing subcommand (import, grant, revoke, erase)");
    spec.commandLine().usage(spec.commandLine().getErr());
    return 1;
  }
}
