package dev.tandem.cli.consent;

import dev.tandem.node.config.NodeConfig;
import dev.tandem.node.store.NodeStores;
import dev.tandem.node.consent.ConsentImportException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Runs a consent subcommand on the node's records; a user error becomes one line on stderr (an
 * import also lists its malformed lines) and exit code 1.
 */
abstract class ConsentSubcommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
  boolean help;

  @Option(names = "--config", required = true, paramLabel = "NODE.yaml", description = "The node's configuration.")
  Path config;

  @Override
  public final Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    try (NodeStores node = NodeStores.open(NodeConfig.load(config), Clock.systemUTC())) {
      int code = run(node, spec.commandLine().getOut());
      spec.commandLine().getOut().flush();
      return code;
    } catch (ConsentImportException e) {
      fail(e.getMessage());
      for (ConsentImportException.Problem p : e.problems().subList(1, e.problems().size())) {
        err.println("  " + p);
      }
      err.flush();
      return 1;
    } catch (IllegalArgumentException | IllegalStateException e) {
      return fail(e.getMessage());
    } catch (UncheckedIOException e) {
      IOException cause = e.getCause();
      return fail(cause instanceof NoSuchFileException ? "no such file: " + cause.getMessage() : e.getMessage());
    }
  }

  /** The command's work on the opened registry; returns the exit code. */
  abstract int run(NodeStores node, PrintWriter out);

  int fail(String message) {
    PrintWriter err = spec.commandLine().getErr();
    err.println(spec.qualifiedName() + ": " + message);
    err.flush();
    return 1;
  }
}
