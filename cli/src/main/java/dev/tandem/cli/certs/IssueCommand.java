package dev.tandem.cli.certs;

import dev.tandem.certs.FederationCa;
import dev.tandem.certs.IssuedCertificate;
import dev.tandem.certs.SiteIdentity;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;

/** {@code certs issue}: issues a site certificate and writes the files that site needs. */
@Command(name = "issue",
    description = "Issue a node or coordinator certificate; writes OUTDIR/<site>.pem, OUTDIR/<site>.key"
        + " (owner-only), OUTDIR/ca.pem and OUTDIR/crl.pem, and records the certificate in the CA index.")
final class IssueCommand extends CertifyingCommand {
  @Override
  int run(PrintWriter stdout) {
    SiteIdentity id = identity();
    Path certFile = out.resolve(site + ".pem");
    Path keyFile = out.resolve(site + ".key");
    if (Files.exists(keyFile)) {
      return fail(keyFile + " already exists; move it away or choose another --out");
    }
    FederationCa ca = FederationCa.load(dir);
    IssuedCertificate issued = ca.issue(id, hosts, validity());
    ca.save(dir); // recorded in the index before any file leaves, so it can be revoked
    issued.writeTo(certFile, keyFile);
    stdout.println("issued " + id.role().id() + " certificate for site '" + site + "' (serial 0x"
        + issued.serial().toString(16) + ", valid until "
        + issued.certificate().getNotAfter().toInstant() + ")");
    stdout.println("  certificate: " + certFile);
    stdout.println("  private key: " + keyFile + " (owner-only)");
    writeTrustFiles(ca, stdout);
    stdout.flush();
    return 0;
  }
}
