package dev.tandem.cli.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.cli.score.AdminApi;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tandem alerts}: lists a node's leak alerts through its admin API ({@code GET /v1/alerts}),
 * one line each; {@code tandem alerts clear ID} clears one ({@code POST /v1/alerts/ID/clear}).
 */
@Command(name = "alerts", subcommands = AlertsCommand.Clear.class,
    description = "List the node's leak alerts (docs/LEAK_DETECTION.md): open ones, or every one with --all. An"
        + " open blocking alert refuses its partner's requests until cleared with 'tandem alerts clear ID'.")
public final class AlertsCommand implements Callable<Integer> {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @Spec
  CommandSpec spec;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
  boolean help;

  @Option(names = "--admin-url", paramLabel = "URL",
      description = "The node's admin API, e.g. http://127.0.0.1:7480 (required).")
  String adminUrl;

  @Option(names = "--token-file", paramLabel = "FILE",
      description = "The node's admin token file (admin.tokenFile of its configuration).")
  java.nio.file.Path tokenFile;

  @Option(names = "--all", description = "Also list cleared alerts.")
  boolean all;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    if (adminUrl == null || tokenFile == null) {
      return fail(spec, "--admin-url and --token-file are required");
    }
    try {
      JsonNode answer = AdminApi.connect(adminUrl, tokenFile).get("/v1/alerts" + (all ? "?all=true" : ""), TIMEOUT);
      int n = 0;
      for (JsonNode a : answer.path("alerts")) {
        out.println(line(a));
        n++;
      }
      if (n == 0) {
        out.println(all ? "no leak alerts" : "no open leak alerts");
      }
      out.flush();
      return 0;
    } catch (IllegalArgumentException | IllegalStateException | java.io.UncheckedIOException e) {
      return fail(spec, e.getMessage());
    }
  }

  /** One alert as a line: id, state, partner, rule, purpose, time and detail. */
  static String line(JsonNode a) {
    String state = !a.path("open").asBoolean() ? "cleared" : a.path("blocking").asBoolean() ? "BLOCKING" : "open";
    return a.path("id").asText() + "  " + state + "  " + a.path("partner").asText() + "  " + a.path("rule").asText()
        + "  " + a.path("purpose").asText() + "  " + a.path("raisedAt").asText() + "  " + a.path("detail").asText()
        + (a.path("open").asBoolean() ? "" : "  (cleared " + a.path("clearedAt").asText() + " by "
            + a.path("clearedBy").asText() + ")");
  }

  static int fail(CommandSpec spec, String message) {
    PrintWriter err = spec.commandLine().getErr();
    err.println(spec.qualifiedName() + ": " + message);
    err.flush();
    return 1;
  }

  /** {@code tandem alerts clear ID}. */
  @Command(name = "clear", description = "Clear a leak alert, so that it no longer blocks its partner (audited).")
  static final class Clear implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Option(names = "--admin-url", required = true, paramLabel = "URL",
        description = "The node's admin API, e.g. http://127.0.0.1:7480.")
    String adminUrl;

    @Option(names = "--token-file", required = true, paramLabel = "FILE",
        description = "The node's admin token file (admin.tokenFile of its configuration).")
    java.nio.file.Path tokenFile;

    @Parameters(index = "0", paramLabel = "ID", description = "The alert's id, as 'tandem alerts' lists it.")
    long id;

    @Override
    public Integer call() {
      try {
        JsonNode a = AdminApi.connect(adminUrl, tokenFile).post("/v1/alerts/" + id + "/clear", Map.of(), TIMEOUT);
        PrintWriter out = spec.commandLine().getOut();
        out.println(line(a));
        out.flush();
        return 0;
      } catch (IllegalArgumentException | IllegalStateException | java.io.UncheckedIOException e) {
        return fail(spec, e.getMessage());
      }
    }
  }
}
