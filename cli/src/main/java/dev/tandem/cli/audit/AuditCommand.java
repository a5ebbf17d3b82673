package dev.tandem.cli.audit;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tandem audit}: export and verify a node's consent audit log, answer subject access. */
@Command(
    name = "audit",
    description = "Export a node's signed audit log, verify an export offline, answer a subject-access request,"
        + " fetch the coordinator's record of a site's latest countersigned head.",
    subcommands = {ExportCommand.class, VerifyCommand.class, SubjectCommand.class, HeadCommand.class})
public final class AuditCommand implements Callable<Integer> {
  @Spec
  private CommandSpec spec;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
  private boolean help;

  /** Without a subcommand: prints the usage to stderr and fails. */
  @Override
  public Integer call() {
    spec.commandLine().getErr().println(spec.qualifiedName() + ": missing subcommand (export, verify, subject, head)");
    spec.commandLine().usage(spec.commandLine().getErr());
    return 1;
  }
}
