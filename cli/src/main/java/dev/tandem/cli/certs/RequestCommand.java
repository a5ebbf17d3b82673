package dev.tandem.cli.certs;

import dev.tandem.certs.CertificateRequest;
import dev.tandem.certs.KeyPassphrase;
import dev.tandem.certs.Role;
import dev.tandem.certs.SiteIdentity;
import java.io.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code certs request}: at the site, makes the site's private key and a certificate request for the CA. */
@Command(name = "request",
    description = "At the site: make the site's private key, OUTDIR/<site>.key (owner-only; it never leaves"
        + " the site), and a certificate request, OUTDIR/<site>.csr, to send to the federation CA.")
final class RequestCommand extends CertsSubcommand {
  @Option(names = "--site", required = true, paramLabel = "ID", description = "This site's id, e.g. bank-1.")
  String site;

  @Option(names = "--role", required = true, paramLabel = "ROLE", description = "node or coordinator.")
  String roleName;

  @Option(names = "--host", paramLabel = "H", split = ",",
      description = "Host name or IP address the site is reached at (repeatable); a coordinator needs one.")
  List<String> hosts = new ArrayList<>();

  @Option(names = "--out", required = true, paramLabel = "OUTDIR", description = "Directory for the key and request.")
  Path out;

  @Option(names = "--encrypt",
      description = "Encrypt the key (PKCS#8, AES-256) with a passphrase from --passphrase-file, else "
          + KeyPassphrase.ENVIRONMENT_VARIABLE + ", else asked on the terminal.")
  boolean encrypt;

  @Option(names = "--passphrase-file", paramLabel = "FILE",
      description = "With --encrypt: the file whose first line is the passphrase (give it to the site as tls.keyPassphraseFile).")
  Path passphraseFile;

  @Override
  int run(PrintWriter stdout) throws IOException {
    SiteIdentity id = new SiteIdentity(site, Role.parse(roleName));
    if (id.role() == Role.COORDINATOR && hosts.isEmpty()) {
      return fail("a coordinator certificate needs at least one --host that nodes dial");
    }
    if (passphraseFile != null && !encrypt) {
      return fail("--passphrase-file is only used with --encrypt");
    }
    Path keyFile = out.resolve(site + ".key");
    Path csrFile = out.resolve(site + ".csr");
    if (Files.exists(keyFile)) {
      return fail(keyFile + " already exists; move it away or choose another --out");
    }
    char[] passphrase = encrypt ? passphrase() : null;
    if (encrypt && passphrase == null) {
      return fail("--encrypt needs a passphrase: --passphrase-file FILE, the "
          + KeyPassphrase.ENVIRONMENT_VARIABLE + " environment variable, or a terminal to type it");
    }
    CertificateRequest.Generated generated = CertificateRequest.generate(id, hosts);
    Files.createDirectories(out);
    try {
      if (encrypt) {
        generated.key().writeEncryptedTo(keyFile, passphrase);
      } else {
        generated.key().writeTo(keyFile);
      }
    } finally {
      if (passphrase != null) {
        Arrays.fill(passphrase, '\0');
      }
    }
    generated.request().writeTo(csrFile);
    stdout.println("made the private key and a certificate request for " + id.role().id() + " site '" + site + "'");
    stdout.println("  private key: " + keyFile + " (owner-only" + (encrypt ? ", encrypted" : "")
        + "; keep it here, never send it)");
    stdout.println("  request:     " + csrFile + " (send it to the federation CA: tandem certs sign)");
    stdout.flush();
    return 0;
  }

  private char[] passphrase() throws IOException {
    if (passphraseFile != null) {
      String text = Files.readString(passphraseFile, StandardCharsets.UTF_8);
      int end = text.indexOf('\n');
      String line = (end < 0 ? text : text.substring(0, end)).replace("\r", "");
      if (line.isEmpty()) {
        throw new IllegalArgumentException("the passphrase file " + passphraseFile + " is empty");
      }
      return line.toCharArray();
    }
    String env = System.getenv(KeyPassphrase.ENVIRONMENT_VARIABLE);
    if (env != null && !env.isEmpty()) {
      return env.toCharArray();
    }
    Console console = System.console();
    if (console == null) {
      return null;
    }
    char[] first = console.readPassword("passphrase for %s: ", out.resolve(site + ".key"));
    char[] again = console.readPassword("the same again: ");
    if (first == null || again == null || !Arrays.equals(first, again)) {
      throw new IllegalArgumentException("the two passphrases differ");
    }
    Arrays.fill(again, '\0');
    return first;
  }
}
