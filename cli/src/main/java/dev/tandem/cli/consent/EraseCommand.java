package dev.tandem.cli.consent;

import dev.tandem.node.store.NodeStores;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code consent erase}: forgets a subject and keeps them out of every later round. */
@Command(name = "erase",
    description = "Erase a subject: delete their consent records, keep a tombstone of their pseudonym so they"
        + " never return to training, and audit the erasure (by pseudonym).")
final class EraseCommand extends ConsentSubcommand {
  @Parameters(index = "0", paramLabel = "SUBJECT", description = "The subject's id.")
  String subject;

  @Override
  int run(NodeStores node, PrintWriter out) {
    String pseudonym = node.pseudonyms().of(subject);
    if (node.consent().erase(subject)) {
      out.println("erased subject with pseudonym " + pseudonym + " (audit entry " + node.audit().head().seq() + ")");
    } else {
      out.println("subject with pseudonym " + pseudonym + " was already erased; nothing changed");
    }
    return 0;
  }
}
