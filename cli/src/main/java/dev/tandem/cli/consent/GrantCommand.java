package dev.tandem.cli.consent;

import dev.tandem.node.store.NodeStores;
import dev.tandem.node.consent.Consent;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code consent grant}: records a subject's consent for a purpose from now on. */
@Command(name = "grant", description = "Record that a subject grants consent for a purpose, from now on.")
final class GrantCommand extends ConsentSubcommand {
  @Option(names = "--subject", required = true, paramLabel = "ID", description = "The subject's id.")
  String subject;

  @Option(names = "--purpose", required = true, paramLabel = "P", description = "The purpose, e.g. churn.")
  String purpose;

  @Option(names = "--evidence", paramLabel = "REF", description = "Where the consent was collected.")
  String evidence;

  @Option(names = "--policy-version", paramLabel = "V", description = "The privacy policy version consented to.")
  String policyVersion;

  @Override
  int run(NodeStores node, PrintWriter out) {
    Consent c = node.consent().grant(subject, purpose, evidence, policyVersion);
    out.println("consent for '" + c.purpose() + "' granted since " + c.since() + " (audit entry "
        + node.audit().head().seq() + ")");
    return 0;
  }
}
