package dev.tandem.cli.certs;

import dev.tandem.certs.CertificateInfo;
import dev.tandem.certs.Pem;
import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code certs show}: describes the certificates (or the CRL) in a PEM file. */
@Command(name = "show",
    description = "Print site id, role, serial, validity, issuer and SHA-256 fingerprint of each"
        + " certificate in FILE, or the entries of a CRL.")
final class ShowCommand extends CertsSubcommand {
  @Parameters(paramLabel = "FILE", description = "PEM file: certificate, chain or CRL.")
  Path file;

  @Override
  int run(PrintWriter out) throws IOException {
    String text = Files.readString(file, StandardCharsets.US_ASCII);
    Instant now = Instant.now();
    if (!text.contains("-----BEGIN CERTIFICATE-----") && text.contains("-----BEGIN X509 CRL-----")) {
      describeCrl(Pem.decodeCrl(text), out, now);
    } else {
      List<X509Certificate> certs = Pem.readCertificates(file);
      for (int i = 0; i < certs.size(); i++) {
        if (i > 0) {
          out.println();
        }
        out.print(CertificateInfo.of(certs.get(i)).describe(now));
      }
    }
    out.flush();
    return 0;
  }

  private static void describeCrl(X509CRL crl, PrintWriter out, Instant now) {
    out.println("revocation list");
    out.println("issuer:      " + crl.getIssuerX500Principal().getName());
    out.println("this update: " + crl.getThisUpdate().toInstant());
    if (crl.getNextUpdate() != null) {
      Instant next = crl.getNextUpdate().toInstant();
      out.println("next update: " + next + (now.isAfter(next) ? " (STALE: re-sign it with 'certs revoke')" : ""));
    }
    Set<? extends X509CRLEntry> entries = crl.getRevokedCertificates();
    if (entries == null || entries.isEmpty()) {
      out.println("revoked:     none");
      return;
    }
    out.println("revoked:     " + entries.size());
    entries.stream()
        .sorted(Comparator.comparing((X509CRLEntry e) -> e.getRevocationDate()).thenComparing(X509CRLEntry::getSerialNumber))
        .forEach(e -> out.println("  0x" + hex(e.getSerialNumber()) + "  since " + e.getRevocationDate().toInstant()));
  }

  private static String hex(BigInteger serial) {
    return serial.toString(16);
  }
}
