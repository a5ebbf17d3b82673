package dev.tandem.cli.consent;

import dev.tandem.cli.CommandGroup;
import picocli.CommandLine.Command;

/** {@code tandem consent}: the node's consent registry on the command line; every change is audited. */
@Command(
    name = "consent",
    description = "Import, grant, revoke and erase consent in a node's registry (each change goes into its audit log).",
    subcommands = {ImportCommand.class, GrantCommand.class, RevokeCommand.class, EraseCommand.class})
public final class ConsentCommand extends CommandGroup {}
