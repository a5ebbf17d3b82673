package dev.tandem.cli.certs;

import dev.tandem.certs.FederationCa;
import dev.tandem.certs.IssuedRecord;
import dev.tandem.certs.Pem;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code certs crl}: re-signs the CA's crl.pem with a fresh validity. Sites refuse every connection
 * once their CRL is past its next update, so the CA runs this at least once per CRL validity (30
 * days) even when nothing was revoked.
 */
@Command(name = "crl",
    description = "Re-sign DIR/crl.pem (same revocations, valid 30 days from now); copy it to every site."
        + " Run it at least monthly: a CRL past its next update stops every connection.")
final class CrlCommand extends CertsSubcommand {
  @Option(names = "--dir", required = true, paramLabel = "DIR", description = "CA directory.")
  Path dir;

  @Override
  int run(PrintWriter out) {
    FederationCa ca = FederationCa.load(dir);
    ca.save(dir);
    long revoked = ca.issued().stream().filter(IssuedRecord::revoked).count();
    out.println("re-signed " + dir.resolve("crl.pem") + " (" + revoked + " revoked), next update "
        + Pem.readCrl(dir.resolve("crl.pem")).getNextUpdate().toInstant() + "; copy it to every site's crl.pem");
    out.flush();
    return 0;
  }
}
