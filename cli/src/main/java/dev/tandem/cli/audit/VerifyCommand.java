package dev.tandem.cli.audit;

import dev.tandem.certs.Pem;
import dev.tandem.node.audit.AuditVerification;
import dev.tandem.node.audit.AuditVerifier;
import dev.tandem.node.audit.CoordinatorHead;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code audit verify}: checks an export offline; exit 0 valid, 3 invalid (naming the first bad entry), 1 bad input. */
@Command(name = "verify",
    description = "Verify an audit export offline against the federation CA: exits 0 if valid, 3 naming the first"
        + " bad entry if any entry was changed, removed, inserted, reordered or cut, a signature is bad, a"
        + " certificate is outside the federation, or entries are not countersigned by the coordinator (unless"
        + " --allow-uncountersigned), 1 if a file cannot be read.")
final class VerifyCommand extends AuditSubcommand {
  /** Exit code of an export or report that fails verification. */
  static final int INVALID = 3;

  @Parameters(index = "0", paramLabel = "FILE", description = "The audit export.")
  Path file;

  @Option(names = "--ca", required = true, paramLabel = "CA.pem", description = "The federation CA certificate.")
  Path ca;

  @Option(names = "--subject", paramLabel = "REPORT.json",
      description = "Also verify a subject-access report (from 'tandem audit subject --out') against the export.")
  Path subject;

  @Option(names = "--coordinator-head", paramLabel = "FILE",
      description = "The coordinator's signed record of the site's latest countersigned head (from 'tandem audit"
          + " head'): an export that ends before it or differs at it was cut, rewritten or emptied.")
  Path coordinatorHead;

  @Option(names = "--allow-uncountersigned",
      description = "Accept entries after the last countersigned head (and a log with none): a cut or rewrite of"
          + " them cannot be detected. Without it such a log is invalid.")
  boolean allowUncountersigned;

  @Override
  int run(PrintWriter stdout, PrintWriter stderr) {
    X509Certificate federationCa = Pem.readCertificate(ca);
    AuditVerifier.Options options = AuditVerifier.Options.strict();
    if (allowUncountersigned) {
      options = options.allowingUncountersigned();
    }
    if (coordinatorHead != null) {
      options = options.withCoordinatorHead(CoordinatorHead.read(coordinatorHead));
    }
    AuditVerification v = subject == null
        ? AuditVerifier.verify(file, federationCa, options)
        : AuditVerifier.verifySubjectAccess(file, subject, federationCa, options);
    if (v.valid()) {
      stdout.println(v.describe());
      stdout.flush();
      return 0;
    }
    stderr.println(spec.qualifiedName() + ": " + file + ": " + v.describe());
    stderr.flush();
    return INVALID;
  }
}
