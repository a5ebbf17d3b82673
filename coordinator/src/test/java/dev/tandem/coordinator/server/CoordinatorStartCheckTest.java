package dev.tandem.coordinator.server;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.certs.testing.TestPki;
import dev.tandem.coordinator.config.CoordinatorConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The coordinator does not start on a certificate or CRL that every handshake would fail on. */
class CoordinatorStartCheckTest {
  @TempDir Path dir;

  private final TestPki pki = TestPki.create();

  private CoordinatorConfig config(TestPki.SiteFiles f) {
    return new CoordinatorConfig("127.0.0.1", 0, new CoordinatorConfig.TlsFiles(f.cert(), f.key(), f.ca(), f.crl()),
        Set.of("a"), "jdbc:h2:mem:start-check-" + System.nanoTime(), Duration.ofSeconds(5), Duration.ofSeconds(5),
        1 << 20);
  }

  @Test
  void start_withANodeCertificate_stopsNamingTheRole() {
    CoordinatorConfig c = config(pki.writeSite(dir, pki.node("bank")));
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> CoordinatorServer.start(c, Clock.systemUTC()));
    assertTrue(e.getMessage().contains("is a node certificate (site 'bank'), and a coordinator needs a coordinator"
        + " certificate"), e.getMessage());
  }

  @Test
  void start_withoutItsCrlFile_stops() throws Exception {
    TestPki.SiteFiles f = pki.writeSite(dir, pki.coordinator("fl"));
    Files.delete(f.crl());
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> CoordinatorServer.start(config(f), Clock.systemUTC()));
    assertTrue(e.getMessage().contains("tls.crl " + f.crl() + " is missing"), e.getMessage());
  }
}
