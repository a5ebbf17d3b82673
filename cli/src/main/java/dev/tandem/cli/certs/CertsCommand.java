package dev.tandem.cli.certs;

import dev.tandem.cli.CommandGroup;
import picocli.CommandLine.Command;

/** {@code tandem certs}: the federation's certificate authority on the command line. */
@Command(
    name = "certs",
    description = "Manage the federation CA: create it, sign site requests (or issue), revoke site certificates, inspect files.",
    subcommands = {InitCommand.class, RequestCommand.class, SignCommand.class, IssueCommand.class, RevokeCommand.class, CrlCommand.class, ShowCommand.class,
        ListCommand.class})
public final class CertsCommand extends CommandGroup {}
