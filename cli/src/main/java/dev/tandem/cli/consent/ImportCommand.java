package dev.tandem.cli.consent;

import dev.tandem.node.store.NodeStores;
import dev.tandem.node.consent.ConsentImport;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code consent import}: loads a CSV export of the site's consent system, all or nothing. */
@Command(name = "import",
    description = "Import a CSV of consent decisions (header: subject_id,purpose,state,since[,evidence]"
        + "[,policy_version]; state granted|revoked; since an ISO-8601 instant or date). All or nothing: a"
        + " malformed line is reported by number and nothing is imported.")
final class ImportCommand extends ConsentSubcommand {
  @Parameters(index = "0", paramLabel = "FILE.csv", description = "The consent CSV (UTF-8).")
  Path file;

  @Override
  int run(NodeStores node, PrintWriter out) {
    long start = System.nanoTime();
    ConsentImport result;
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      result = node.consent().importCsv(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.printf("imported %d consent rows from %s in %d ms: %d granted, %d revoked, %d skipped (erased subjects);"
            + " purposes %s; sha256 %s%n", result.rows(), file, (System.nanoTime() - start) / 1_000_000,
        result.granted(), result.revoked(), result.skippedErased(), String.join(", ", new java.util.TreeSet<>(
            result.purposes())), result.sha256());
    if (result.duplicates() > 0) {
      out.printf("%d rows repeated a recorded decision exactly and were recorded once%n", result.duplicates());
    }
    return 0;
  }
}
