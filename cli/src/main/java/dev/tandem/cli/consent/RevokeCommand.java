package dev.tandem.cli.consent;

import dev.tandem.node.store.NodeStores;
import dev.tandem.node.consent.Consent;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code consent revoke}: records a subject's revocation for a purpose; the next round leaves them out. */
@Command(name = "revoke",
    description = "Record that a subject revokes consent for a purpose, from now on: every round that starts"
        + " later trains without their records.")
final class RevokeCommand extends ConsentSubcommand {
  @Mixin DecisionOptions decision;

  @Override
  int run(NodeStores node, PrintWriter out) {
    Consent c = node.consent().revoke(decision.subject, decision.purpose, decision.evidence, decision.policyVersion);
    out.println("consent for '" + c.purpose() + "' revoked since " + c.since() + " (audit entry "
        + node.audit().head().seq() + ")");
    return 0;
  }
}
