package dev.tandem.cli.consent;

import dev.tandem.node.store.NodeStores;
import dev.tandem.node.consent.Consent;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code consent revoke}: records a subject's revocation for a purpose; the next round leaves them out. */
@Command(name = "revoke",
    description = "Record that a subject revokes consent for a purpose, from now on: every round that starts"
        + " later trains without their records.")
final class RevokeCommand extends ConsentSubcommand {
  @Option(names = "--subject", required = true, paramLabel = "ID", description = "The subject's id.")
  String subject;

  @Option(names = "--purpose", required = true, paramLabel = "P", description = "The purpose, e.g. churn.")
  String purpose;

  @Option(names = "--evidence", paramLabel = "REF", description = "Where the revocation was received.")
  String evidence;

  @Option(names = "--policy-version", paramLabel = "V", description = "The privacy policy version.")
  String policyVersion;

  @Override
  int run(NodeStores node, PrintWriter out) {
    Consent c = node.consent().revoke(subject, purpose, evidence, policyVersion);
    out.println("consent for '" + c.purpose() + "' revoked since " + c.since() + " (audit entry "
        + node.audit().head().seq() + ")");
    return 0;
  }
}
