package dev.tandem.cli;

import dev.tandem.cli.alerts.AlertsCommand;
import dev.tandem.cli.audit.AuditCommand;
import dev.tandem.cli.certs.CertsCommand;
import dev.tandem.cli.config.ConfigCommand;
import dev.tandem.cli.consent.ConsentCommand;
import dev.tandem.cli.demo.DemoCommand;
import dev.tandem.cli.job.JobCommand;
import dev.tandem.cli.model.ModelCommand;
import dev.tandem.cli.privacy.PrivacyCommand;
import dev.tandem.cli.run.CoordinatorCommand;
import dev.tandem.cli.run.NodeCommand;
import dev.tandem.cli.score.ScoreCommand;
import io.grpc.StatusRuntimeException;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code tandem} command line. */
@Command(name = "tandem", mixinStandardHelpOptions = true, version = "tandem 0.1.0",
    description = "Federated, consent-bound, privacy-preserving analytics.",
    subcommands = {DemoCommand.class, CertsCommand.class, CoordinatorCommand.class, NodeCommand.class,
        JobCommand.class, ModelCommand.class, ConsentCommand.class, AuditCommand.class, PrivacyCommand.class, ScoreCommand.class, AlertsCommand.class,
        ConfigCommand.class,
        CommandLine.HelpCommand.class})
public final class Main {
  private Main() {}

  static {
    // before any H2 class loads: an embedded database's AUTO_SERVER (several commands on one node's
    // or coordinator's database) listens on loopback only
    if (System.getProperty("h2.bindAddress") == null) {
      System.setProperty("h2.bindAddress", "127.0.0.1");
    }
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs a command line and returns its exit code; errors are one line on stderr, not a stack trace. */
  public static int run(String... args) {
    if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
      System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tT %4$s %3$s: %5$s%6$s%n");
    }
    CommandLine cli = new CommandLine(new Main());
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
      String message;
      if (e instanceof StatusRuntimeException s) {
        message = "the coordinator answered " + s.getStatus().getCode()
            + (s.getStatus().getDescription() == null ? "" : ": " + s.getStatus().getDescription());
      } else if (e instanceof IllegalArgumentException || e instanceof IllegalStateException
          || e instanceof UncheckedIOException) {
        message = e.getMessage();
      } else {
        e.printStackTrace();
        message = e.toString();
      }
      cmd.getErr().println("tandem " + cmd.getCommandName() + ": " + message);
      return 2;
    });
    return cli.execute(args);
  }
}
