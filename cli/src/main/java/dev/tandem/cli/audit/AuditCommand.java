package dev.tandem.cli.audit;

import dev.tandem.cli.CommandGroup;
import picocli.CommandLine.Command;

/** {@code tandem audit}: export and verify a node's consent audit log, answer subject access. */
@Command(
    name = "audit",
    description = "Export a node's signed audit log, verify an export offline, answer a subject-access request,"
        + " fetch the coordinator's record of a site's latest countersigned head.",
    subcommands = {ExportCommand.class, VerifyCommand.class, SubjectCommand.class, HeadCommand.class})
public final class AuditCommand extends CommandGroup {}
