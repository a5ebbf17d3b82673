package dev.tandem.cli.certs;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tandem certs}: the federation's certificate authority on the command line. */
@Command(
    name = "certs",
    description = "Manage the federation CA: create it, sign site requests (or issue), revoke site certificates, inspect files.",
    subcommands = {InitCommand.class, RequestCommand.class, SignCommand.class, IssueCommand.class, RevokeCommand.class, CrlCommand.class, ShowCommand.class,
        ListCommand.class})
public final class CertsCommand implements Callable<Integer> {
  @Spec
  private CommandSpec spec;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
  private boolean help;

  /** Without a subcommand: prints the usage to stderr and fails. */
  @Override
  public Integer call() {
    spec.commandLine().getErr().println(spec.qualifiedName() + ": missing subcommand (init, request, sign, issue, revoke, show, list)");
    spec.commandLine().usage(spec.commandLine().getErr());
    return 1;
  }
}
