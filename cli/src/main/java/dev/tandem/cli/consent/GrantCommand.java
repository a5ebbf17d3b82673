package dev.tandem.cli.consent;

import dev.tandem.node.store.NodeStores;
import dev.tandem.node.consent.Consent;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code consent grant}: records a subject's consent for a purpose from now on. */
@Command(name = "grant", description = "Record that a subject grants consent for a purpose, from now on.")
final class GrantCommand extends ConsentSubcommand {
  @Mixin DecisionOptions decision;

  @Override
  int run(NodeStores node, PrintWriter out) {
    Consent c = node.consent().grant(decision.subject, decision.purpose, decision.evidence, decision.policyVersion);
    out.println("consent for '" + c.purpose() + "' granted since " + c.since() + " (audit entry "
        + node.audit().head().seq() + ")");
    return 0;
  }
}
