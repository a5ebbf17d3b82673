package dev.tandem.cli.config;

import dev.tandem.cli.CommandGroup;
import picocli.CommandLine.Command;

/** {@code tandem config}: checks configuration files before they are used. */
@Command(name = "config", description = "Check a node, coordinator or job file before it is used.",
    subcommands = {CheckCommand.class})
public final class ConfigCommand extends CommandGroup {}
