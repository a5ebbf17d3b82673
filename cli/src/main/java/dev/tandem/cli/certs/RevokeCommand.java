package dev.tandem.cli.certs;

import dev.tandem.certs.FederationCa;
import dev.tandem.certs.IssuedRecord;
import dev.tandem.certs.Pem;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code certs revoke}: revokes certificates and re-signs the CA's crl.pem. */
@Command(name = "revoke",
    description = "Revoke every certificate of a site, one serial, or the certificate in a file;"
        + " updates DIR/crl.pem, which must then reach every site.")
final class RevokeCommand extends CertsSubcommand {
  @Option(names = "--dir", required = true, paramLabel = "DIR", description = "CA directory.")
  Path dir;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Target target;

  static final class Target {
    @Option(names = "--site", paramLabel = "ID", description = "Revoke every unrevoked certificate of this site.")
    String site;

    @Option(names = "--serial", paramLabel = "HEX", description = "Revoke the certificate with this serial (hex).")
    String serial;

    @Option(names = "--cert", paramLabel = "FILE", description = "Revoke the certificate in this PEM file.")
    Path cert;
  }

  @Override
  int run(PrintWriter out) {
    FederationCa ca = FederationCa.load(dir);
    List<BigInteger> serials;
    if (target.site != null) {
      serials = ca.revokeSite(target.site);
      if (serials.isEmpty()) {
        return fail("no unrevoked certificate of site '" + target.site + "' in " + dir);
      }
    } else if (target.serial != null) {
      BigInteger serial = parseSerial(target.serial);
      if (alreadyRevoked(ca, serial, out)) {
        return 0;
      }
      ca.revoke(serial);
      serials = List.of(serial);
    } else {
      X509Certificate cert = Pem.readCertificate(target.cert);
      if (alreadyRevoked(ca, cert.getSerialNumber(), out)) {
        return 0;
      }
      ca.revoke(cert);
      serials = List.of(cert.getSerialNumber());
    }
    ca.save(dir);
    for (BigInteger serial : serials) {
      Optional<IssuedRecord> record = ca.issued().stream().filter(r -> r.serial().equals(serial)).findFirst();
      out.println("revoked serial 0x" + serial.toString(16)
          + record.map(r -> " (site '" + r.identity().siteId() + "', " + r.identity().role().id() + ")").orElse(""));
    }
    long total = ca.issued().stream().filter(IssuedRecord::revoked).count();
    out.println("updated " + dir.resolve("crl.pem") + " (" + total
        + " revoked in total); copy it to every site's crl.pem");
    out.flush();
    return 0;
  }

  private boolean alreadyRevoked(FederationCa ca, BigInteger serial, PrintWriter out) {
    Optional<IssuedRecord> record = ca.issued().stream().filter(r -> r.serial().equals(serial)).findFirst();
    if (record.isPresent() && record.get().revoked()) {
      out.println("serial 0x" + serial.toString(16) + " (site '" + record.get().identity().siteId()
          + "') was already revoked; " + dir.resolve("crl.pem") + " lists it");
      out.flush();
      return true;
    }
    return false;
  }

  static BigInteger parseSerial(String text) {
    String s = text.trim().toLowerCase(Locale.ROOT).replace(":", "");
    if (s.startsWith("0x")) {
      s = s.substring(2);
    }
    if (s.isEmpty() || !s.matches("[0-9a-f]+")) {
      throw new IllegalArgumentException("invalid serial '" + text + "': expected hex digits, e.g. 0x3f9a...");
    }
    return new BigInteger(s, 16);
  }
}
