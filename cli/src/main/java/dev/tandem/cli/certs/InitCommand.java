package dev.tandem.cli.certs;

import dev.tandem.certs.CertificateInfo;
import dev.tandem.certs.FederationCa;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code certs init}: creates a new federation CA in a directory. */
@Command(name = "init",
    description = "Create a new federation CA (EC P-256, valid 10 years) in DIR.")
final class InitCommand extends CertsSubcommand {
  @Option(names = "--dir", required = true, paramLabel = "DIR", description = "CA directory (created if missing).")
  Path dir;

  @Option(names = "--name", paramLabel = "FEDERATION", defaultValue = "tandem",
      description = "Federation name, the CA's common name (default: ${DEFAULT-VALUE}).")
  String name;

  @Override
  int run(PrintWriter out) {
    for (String file : new String[] {"ca.pem", "ca.key"}) {
      if (Files.exists(dir.resolve(file))) {
        return fail("a federation CA already exists in " + dir + " (" + file
            + " is present); refusing to overwrite it");
      }
    }
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      return fail(dir + " exists and is not a directory");
    }
    FederationCa ca = FederationCa.create(name);
    ca.save(dir);
    CertificateInfo info = CertificateInfo.of(ca.certificate());
    out.println("created federation CA '" + ca.federationName() + "' in " + dir);
    out.println("  certificate: " + dir.resolve("ca.pem") + " (distribute it to every site)");
    out.println("  private key: " + dir.resolve("ca.key") + " (owner-only; keep it off the sites)");
    out.println("  valid until: " + info.notAfter());
    out.println("  sha-256:     " + info.sha256Fingerprint());
    out.flush();
    return 0;
  }
}
