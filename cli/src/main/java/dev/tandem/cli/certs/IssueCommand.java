package dev.tandem.cli.certs;

import dev.tandem.certs.FederationCa;
import dev.tandem.certs.IssuedCertificate;
import dev.tandem.certs.Pem;
import dev.tandem.certs.Role;
import dev.tandem.certs.SiteIdentity;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code certs issue}: issues a site certificate and writes the files that site needs. */
@Command(name = "issue",
    description = "Issue a node or coordinator certificate; writes OUTDIR/<site>.pem, OUTDIR/<site>.key"
        + " (owner-only), OUTDIR/ca.pem and OUTDIR/crl.pem, and records the certificate in the CA index.")
final class IssueCommand extends CertsSubcommand {
  @Option(names = "--dir", required = true, paramLabel = "DIR", description = "CA directory.")
  Path dir;

  @Option(names = "--site", required = true, paramLabel = "ID", description = "Site id, e.g. bank-1.")
  String site;

  @Option(names = "--role", required = true, paramLabel = "ROLE", description = "node or coordinator.")
  String roleName;

  @Option(names = "--host", paramLabel = "H", split = ",",
      description = "Host name or IP address the site is reached at (repeatable); a coordinator needs one.")
  List<String> hosts = new ArrayList<>();

  @Option(names = "--days", paramLabel = "N", defaultValue = "365",
      description = "Validity in days (default: ${DEFAULT-VALUE}).")
  int days;

  @Option(names = "--out", required = true, paramLabel = "OUTDIR", description = "Directory for the site's files.")
  Path out;

  @Override
  int run(PrintWriter stdout) {
    Role role = Role.parse(roleName);
    SiteIdentity id = new SiteIdentity(site, role);
    if (days <= 0) {
      return fail("--days must be positive, got " + days);
    }
    if (role == Role.COORDINATOR && hosts.isEmpty()) {
      return fail("a coordinator certificate needs at least one --host that nodes dial");
    }
    Path certFile = out.resolve(site + ".pem");
    Path keyFile = out.resolve(site + ".key");
    if (Files.exists(keyFile)) {
      return fail(keyFile + " already exists; move it away or choose another --out");
    }
    FederationCa ca = FederationCa.load(dir);
    IssuedCertificate issued = ca.issue(id, hosts, Duration.ofDays(days));
    ca.save(dir);
    issued.writeTo(certFile, keyFile);
    Pem.writeCertificate(out.resolve("ca.pem"), ca.certificate());
    Path crl = out.resolve("crl.pem");
    Pem.writeCrl(crl, Pem.readCrl(dir.resolve("crl.pem")));
    stdout.println("issued " + role.id() + " certificate for site '" + site + "' (serial 0x"
        + issued.serial().toString(16) + ", valid until "
        + issued.certificate().getNotAfter().toInstant() + ")");
    stdout.println("  certificate: " + certFile);
    stdout.println("  private key: " + keyFile + " (owner-only)");
    stdout.println("  CA:          " + out.resolve("ca.pem"));
    stdout.println("  CRL:         " + crl);
    stdout.flush();
    return 0;
  }
}
