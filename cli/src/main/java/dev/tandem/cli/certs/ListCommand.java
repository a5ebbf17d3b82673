package dev.tandem.cli.certs;

import dev.tandem.certs.FederationCa;
import dev.tandem.certs.IssuedRecord;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code certs list}: the CA's issue log. */
@Command(name = "list",
    description = "List every certificate the CA in DIR has issued, with its status.")
final class ListCommand extends CertsSubcommand {
  @Option(names = "--dir", required = true, paramLabel = "DIR", description = "CA directory.")
  Path dir;

  @Override
  int run(PrintWriter out) {
    List<IssuedRecord> records = FederationCa.load(dir).issued();
    Instant now = Instant.now();
    out.printf("%-34s  %-24s  %-11s  %-20s  %s%n", "SERIAL", "SITE", "ROLE", "NOT AFTER", "STATUS");
    for (IssuedRecord r : records) {
      String status = r.revoked() ? "revoked" : now.isAfter(r.notAfter()) ? "expired" : "active";
      out.printf("%-34s  %-24s  %-11s  %-20s  %s%n", r.serialHex(), r.identity().siteId(),
          r.identity().role().id(), r.notAfter(), status);
    }
    out.flush();
    return 0;
  }
}
