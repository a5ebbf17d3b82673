package dev.tandem.node.agent;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.certs.testing.TestPki;
import dev.tandem.node.config.NodeConfig;
import dev.tandem.node.data.DataSourceConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node does not start on a certificate or CRL that every handshake would fail on. */
class NodeStartCheckTest {
  @TempDir Path dir;

  private final TestPki pki = TestPki.create();

  private NodeConfig config(String site, TestPki.SiteFiles f) throws Exception {
    Files.writeString(dir.resolve("data.csv"), "id,x\na,1\n");
    return new NodeConfig(site, "127.0.0.1:1", new NodeConfig.TlsFiles(f.cert(), f.key(), f.ca(), f.crl()),
        DataSourceConfig.of(dir.resolve("data.csv"), "id"), "jdbc:h2:mem:node-start-" + System.nanoTime(), 1 << 20);
  }

  @Test
  void start_siteDiffersFromItsCertificate_stopsNamingBoth() throws Exception {
    NodeConfig c = config("bank", pki.writeSite(dir, pki.node("bank-2")));
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> NodeAgent.start(c, List.of(), Clock.systemUTC()));
    assertTrue(e.getMessage().contains("site: 'bank' differs from the site id 'bank-2'"), e.getMessage());
  }

  @Test
  void start_withACoordinatorCertificateOrWithoutItsCrl_stops() throws Exception {
    NodeConfig coordinatorCert = config("fl", pki.writeSite(dir, pki.coordinator("fl")));
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> NodeAgent.start(coordinatorCert, List.of(), Clock.systemUTC()));
    assertTrue(e.getMessage().contains("is a coordinator certificate"), e.getMessage());
    TestPki.SiteFiles f = pki.writeSite(dir, pki.node("bank"));
    Files.delete(f.crl());
    NodeConfig noCrl = config("bank", f);
    e = assertThrows(IllegalStateException.class, () -> NodeAgent.start(noCrl, List.of(), Clock.systemUTC()));
    assertTrue(e.getMessage().contains("tls.crl " + f.crl() + " is missing"), e.getMessage());
  }
}
