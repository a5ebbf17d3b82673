package dev.tandem.cli.audit;

import dev.tandem.node.config.NodeConfig;
import dev.tandem.node.store.NodeStores;
import dev.tandem.node.audit.AuditExport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code audit export}: writes the node's audit log as one self-contained JSON file. */
@Command(name = "export",
    description = "Write the node's audit log (entries, signatures, certificates, coordinator countersignatures)"
        + " to one JSON file an auditor verifies with 'tandem audit verify'.")
final class ExportCommand extends AuditSubcommand {
  @Option(names = "--config", required = true, paramLabel = "NODE.yaml", description = "The node's configuration.")
  Path config;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "The export file to write.")
  Path out;

  @Override
  int run(PrintWriter stdout, PrintWriter stderr) {
    try (NodeStores node = NodeStores.open(NodeConfig.load(config), Clock.systemUTC())) {
      AuditExport export = node.audit().export();
      export.write(out);
      stdout.println("exported " + export.entryCount() + " audit entries of site '" + node.audit().site() + "' to "
          + out);
      stdout.flush();
    }
    return 0;
  }
}
