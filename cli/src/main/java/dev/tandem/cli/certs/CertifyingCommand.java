package dev.tandem.cli.certs;

import dev.tandem.certs.FederationCa;
import dev.tandem.certs.Pem;
import dev.tandem.certs.Role;
import dev.tandem.certs.SiteIdentity;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** What {@code certs issue} and {@code certs sign} share: the CA, the site, its role and hosts, the validity, the files sent back. */
abstract class CertifyingCommand extends CertsSubcommand {
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

  /** The identity to certify, after checking the arguments every certificate needs. */
  SiteIdentity identity() {
    SiteIdentity id = new SiteIdentity(site, Role.parse(roleName));
    if (days <= 0) {
      throw new IllegalArgumentException("--days must be positive, got " + days);
    }
    if (id.role() == Role.COORDINATOR && hosts.isEmpty()) {
      throw new IllegalArgumentException("a coordinator certificate needs at least one --host that nodes dial");
    }
    return id;
  }

  Duration validity() {
    return Duration.ofDays(days);
  }

  /** Writes OUTDIR/ca.pem and OUTDIR/crl.pem (the CA's, saved before) and prints where. */
  void writeTrustFiles(FederationCa ca, PrintWriter stdout) {
    Pem.writeCertificate(out.resolve("ca.pem"), ca.certificate());
    Path crl = out.resolve("crl.pem");
    Pem.writeCrl(crl, Pem.readCrl(dir.resolve("crl.pem")));
    stdout.println("  CA:          " + out.resolve("ca.pem"));
    stdout.println("  CRL:         " + crl);
  }
}
