package dev.tandem.cli.score;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tandem score}: scores subjects with a vertical model through a node's admin API
 * ({@code POST /v1/score}), in batches of {@value #BATCH} ids, and writes {@code id,score} CSV; ids
 * that cannot be scored go to stderr with the reason.
 */
@Command(name = "score",
    description = "Score subjects with a vertical model this node is a party of: the other parties' partial scores"
        + " come back sealed to this node, which adds its own. Prints id,score CSV; unscored ids and why go to"
        + " stderr.")
public final class ScoreCommand implements Callable<Integer> {
  /** Ids per request: the admin API's limit. */
  static final int BATCH = 10_000;
  /** A request waits for every party through the coordinator. */
  private static final Duration TIMEOUT = Duration.ofMinutes(5);

  @Spec
  CommandSpec spec;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
  boolean help;

  @Option(names = "--admin-url", required = true, paramLabel = "URL",
      description = "The node's admin API, e.g. http://127.0.0.1:7480.")
  String adminUrl;

  @Option(names = "--token-file", required = true, paramLabel = "FILE",
      description = "The node's admin token file (admin.tokenFile of its configuration).")
  Path tokenFile;

  @Option(names = "--model", required = true, paramLabel = "VERSION", description = "The model version, e.g. credit-1a2b/v12.")
  String model;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Ids ids;

  /** Where the ids come from. */
  static final class Ids {
    @Option(names = "--ids", paramLabel = "FILE", description = "A file of subject ids, one per line (blank lines skipped).")
    Path file;

    @Option(names = "--id", paramLabel = "ID", description = "A subject id; repeat for more.")
    List<String> ids;
  }

  @Option(names = "--out", paramLabel = "CSV", description = "Write the scores here instead of to stdout.")
  Path out;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    try {
      List<String> subjects = subjects();
      AdminApi api = AdminApi.connect(adminUrl, tokenFile);
      List<Map.Entry<String, String>> scores = new ArrayList<>();
      int unscored = 0;
      for (int from = 0; from < subjects.size(); from += BATCH) {
        List<String> batch = subjects.subList(from, Math.min(subjects.size(), from + BATCH));
        JsonNode answer = api.post("/v1/score", Map.of("model", model, "ids", batch), TIMEOUT);
        for (JsonNode s : answer.path("scores")) {
          scores.add(Map.entry(s.path("id").asText(), s.path("score").asText()));
        }
        for (JsonNode u : answer.path("unscored")) {
          err.println("unscored " + u.path("id").asText() + ": " + u.path("reason").asText());
          unscored++;
        }
      }
      write(scores);
      err.println("scored " + scores.size() + " of " + subjects.size() + " subjects with model " + model
          + (unscored == 0 ? "" : "; " + unscored + " unscored (listed above)")
          + (out == null ? "" : "; scores in " + out));
      err.flush();
      return 0;
    } catch (IllegalArgumentException | IllegalStateException e) {
      return fail(e.getMessage());
    } catch (UncheckedIOException e) {
      return fail(e.getMessage());
    }
  }

  /** The ids to score, each once, in the order given. */
  private List<String> subjects() {
    List<String> given;
    if (ids.file != null) {
      try {
        given = Files.readAllLines(ids.file, StandardCharsets.UTF_8).stream().map(String::strip)
            .filter(s -> !s.isEmpty()).toList();
      } catch (NoSuchFileException e) {
        throw new IllegalArgumentException("no such file: " + ids.file);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + ids.file + ": " + e.getMessage(), e);
      }
    } else {
      given = ids.ids;
    }
    List<String> distinct = List.copyOf(new LinkedHashSet<>(given));
    if (distinct.isEmpty()) {
      throw new IllegalArgumentException("no subject ids to score");
    }
    return distinct;
  }

  private void write(List<Map.Entry<String, String>> scores) {
    StringBuilder csv = new StringBuilder("id,score\n");
    for (Map.Entry<String, String> s : scores) {
      csv.append(csvField(s.getKey())).append(',').append(s.getValue()).append('\n');
    }
    if (out == null) {
      PrintWriter stdout = spec.commandLine().getOut();
      stdout.print(csv);
      stdout.flush();
      return;
    }
    try (Writer w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
      w.write(csv.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + out + ": " + e.getMessage(), e);
    }
  }

  /** A CSV field, quoted when it holds a comma, a quote or a blank at either end (RFC 4180). */
  static String csvField(String s) {
    if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.equals(s.strip())) {
      return s;
    }
    return '"' + s.replace("\"", "\"\"") + '"';
  }

  private int fail(String message) {
    PrintWriter err = spec.commandLine().getErr();
    err.println(spec.qualifiedName() + ": " + message);
    err.flush();
    return 1;
  }
}
