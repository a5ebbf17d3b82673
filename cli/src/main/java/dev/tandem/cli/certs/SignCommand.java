package dev.tandem.cli.certs;

import dev.tandem.certs.CertificateRequest;
import dev.tandem.certs.FederationCa;
import dev.tandem.certs.Pem;
import dev.tandem.certs.SiteIdentity;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code certs sign}: at the CA, certifies the key in a site's request; the CA never sees the site's key. */
@Command(name = "sign",
    description = "At the CA: issue the certificate for a site's request (from 'certs request') if it asks for"
        + " the site id and role you expect (--site, --role; every host it asks for must be a --host); writes"
        + " OUTDIR/<site>.pem, OUTDIR/ca.pem and OUTDIR/crl.pem to send back to the site, and records the"
        + " certificate in the CA index.")
final class SignCommand extends CertifyingCommand {
  @Option(names = "--csr", required = true, paramLabel = "FILE", description = "The site's request, <site>.csr.")
  Path csr;

  @Override
  int run(PrintWriter stdout) {
    SiteIdentity expected = identity();
    CertificateRequest request = CertificateRequest.read(csr);
    FederationCa ca = FederationCa.load(dir);
    X509Certificate cert = ca.sign(request, expected, hosts, validity());
    ca.save(dir); // recorded in the index before any file leaves, so it can be revoked
    Path certFile = out.resolve(site + ".pem");
    Pem.writeCertificate(certFile, cert);
    stdout.println("signed " + expected.role().id() + " certificate for site '" + site + "' (serial 0x"
        + cert.getSerialNumber().toString(16) + ", valid until " + cert.getNotAfter().toInstant() + ")");
    stdout.println("  certificate: " + certFile);
    writeTrustFiles(ca, stdout);
    stdout.println("send these three files to the site; its private key stayed there");
    stdout.flush();
    return 0;
  }
}
