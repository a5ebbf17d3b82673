package dev.tandem.cli.testing;

import dev.tandem.certs.testing.TestPki;
import dev.tandem.cli.Main;
import dev.tandem.node.config.NodeConfig;
import dev.tandem.node.data.DataSourceConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Runs the command line in this JVM, as the README's commands are run by tests. */
public final class CliRun {
  private CliRun() {}

  /** What one run printed and returned. */
  public record Result(int code, String out, String err) {}

  /** Runs {@code tandem ARGS...}, capturing stdout and stderr. */
  public static synchronized Result run(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
      int code = Main.run(args);
      return new Result(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  /** A node configuration for {@code site} under {@code dir}, with certificates from a fresh test PKI. */
  public static NodeConfig nodeConfig(Path dir, String site) {
    TestPki pki = TestPki.create();
    TestPki.SiteFiles files = pki.writeSite(dir.resolve("pki"), pki.node(site));
    return new NodeConfig(site, "127.0.0.1:7443",
        new NodeConfig.TlsFiles(files.cert(), files.key(), files.ca(), files.crl()),
        DataSourceConfig.of(dir.resolve("records.csv"), "id"), NodeConfig.databaseUrl(dir, "node-db"),
        NodeConfig.DEFAULT_MAX_MESSAGE_BYTES);
  }
}
