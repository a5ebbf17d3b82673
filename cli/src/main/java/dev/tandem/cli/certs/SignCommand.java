package dev.tandem.cli.certs;

import dev.tandem.certs.CertificateRequest;
import dev.tandem.certs.FederationCa;
import dev.tandem.certs.Pem;
import dev.tandem.certs.Role;
import dev.tandem.certs.SiteIdentity;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code certs sign}: at the CA, certifies the key in a site's request; the CA never sees the site's key. */
@Command(name = "sign",
    description = "At the CA: issue the certificate for a site's request (from 'certs request') if it asks for"
        + " the site id and role you expect; writes OUTDIR/<site>.pem, OUTDIR/ca.pem and OUTDIR/crl.pem to send"
        + " back to the site, and records the certificate in the CA index.")
final class SignCommand extends CertsSubcommand {
  @Option(names = "--dir", required = true, paramLabel = "DIR", description = "CA directory.")
  Path dir;

  @Option(names = "--csr", required = true, paramLabel = "FILE", description = "The site's request, <site>.csr.")
  Path csr;

  @Option(names = "--site", required = true, paramLabel = "ID", description = "The site id you expect in the request.")
  String site;

  @Option(names = "--role", required = true, paramLabel = "ROLE", description = "The role you expect: node or coordinator.")
  String roleName;

  @Option(names = "--host", paramLabel = "H", split = ",",
      description = "Host name or IP address to certify (repeatable); every host the request asks for must be listed.")
  List<String> hosts = new ArrayList<>();

  @Option(names = "--days", paramLabel = "N", defaultValue = "365",
      description = "Validity in days (default: ${DEFAULT-VALUE}).")
  int days;

  @Option(names = "--out", required = true, paramLabel = "OUTDIR", description = "Directory for the files to send back.")
  Path out;

  @Override
  int run(PrintWriter stdout) {
    SiteIdentity expected = new SiteIdentity(site, Role.parse(roleName));
    if (days <= 0) {
      return fail("--days must be positive, got " + days);
    }
    if (expected.role() == Role.COORDINATOR && hosts.isEmpty()) {
      return fail("a coordinator certificate needs at least one --host that nodes dial");
    }
    CertificateRequest request = CertificateRequest.read(csr);
    FederationCa ca = FederationCa.load(dir);
    X509Certificate cert = ca.sign(request, expected, hosts, Duration.ofDays(days));
    ca.save(dir);
    Path certFile = out.resolve(site + ".pem");
    Pem.writeCertificate(certFile, cert);
    Pem.writeCertificate(out.resolve("ca.pem"), ca.certificate());
    Path crl = out.resolve("crl.pem");
    Pem.writeCrl(crl, Pem.readCrl(dir.resolve("crl.pem")));
    stdout.println("signed " + expected.role().id() + " certificate for site '" + site + "' (serial 0x"
        + cert.getSerialNumber().toString(16) + ", valid until " + cert.getNotAfter().toInstant() + ")");
    stdout.println("  certificate: " + certFile);
    stdout.println("  CA:          " + out.resolve("ca.pem"));
    stdout.println("  CRL:         " + crl);
    stdout.println("send these three files to the site; its private key stayed there");
    stdout.flush();
    return 0;
  }
}
