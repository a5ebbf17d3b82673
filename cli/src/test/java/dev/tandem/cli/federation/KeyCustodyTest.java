package dev.tandem.cli.federation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.cli.Main;
import dev.tandem.coordinator.config.CoordinatorConfig;
import dev.tandem.coordinator.server.CoordinatorServer;
import dev.tandem.node.agent.NodeAgent;
import dev.tandem.node.config.NodeConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #13, key custody: each site makes its own (encrypted) key with {@code certs request}, the CA
 * signs the requests with {@code certs sign}, and a coordinator and a node started from their YAML
 * files with those keys and passphrase files connect over mutual TLS.
 */
class KeyCustodyTest {
  @TempDir Path dir;

  @Test
  void requestSign_encryptedKeysFromPassphraseFiles_nodeConnectsToCoordinator() throws Exception {
    String ca = dir.resolve("ca").toString();
    Path central = dir.resolve("central");
    Path bank = dir.resolve("bank-1");
    Files.createDirectories(central);
    Files.createDirectories(bank);
    Files.writeString(central.resolve("key.pass"), "coordinator passphrase\n");
    Files.writeString(bank.resolve("key.pass"), "bank-1 passphrase\n");
    assertEquals(0, Main.run("certs", "init", "--dir", ca));
    assertEquals(0, Main.run("certs", "request", "--site", "central", "--role", "coordinator", "--host", "localhost",
        "--encrypt", "--passphrase-file", central.resolve("key.pass").toString(), "--out", central.toString()));
    assertEquals(0, Main.run("certs", "request", "--site", "bank-1", "--role", "node", "--encrypt",
        "--passphrase-file", bank.resolve("key.pass").toString(), "--out", bank.toString()));
    assertEquals(0, Main.run("certs", "sign", "--dir", ca, "--csr", central.resolve("central.csr").toString(),
        "--site", "central", "--role", "coordinator", "--host", "localhost", "--out", central.toString()));
    assertEquals(0, Main.run("certs", "sign", "--dir", ca, "--csr", bank.resolve("bank-1.csr").toString(),
        "--site", "bank-1", "--role", "node", "--out", bank.toString()));

    Files.writeString(central.resolve("coordinator.yaml"), """
        host: 127.0.0.1
        port: 0
        tls: {cert: central.pem, key: central.key, ca: ca.pem, crl: crl.pem, keyPassphraseFile: key.pass}
        sites: [bank-1]
        database: db/coordinator
        """);
    Files.writeString(bank.resolve("data.csv"), "id,x\na,1\nb,2\n");
    try (CoordinatorServer coordinator = CoordinatorServer.start(
        CoordinatorConfig.load(central.resolve("coordinator.yaml")), Clock.systemUTC())) {
      Files.writeString(bank.resolve("bank-1.yaml"), """
          site: bank-1
          coordinator: localhost:%d
          tls: {cert: bank-1.pem, key: bank-1.key, ca: ca.pem, crl: crl.pem, keyPassphraseFile: key.pass}
          data: {csv: data.csv, idColumn: id}
          database: db/bank-1
          admin: {port: 0}
          """.formatted(coordinator.port()));
      NodeConfig nodeConfig = NodeConfig.load(bank.resolve("bank-1.yaml"));
      try (NodeAgent node = NodeAgent.start(nodeConfig, List.of(), Clock.systemUTC())) {
        assertEquals(Set.of("bank-1"),
            coordinator.sites().await(List.of("bank-1"), 1, Duration.ofSeconds(30)));
      }
    }
  }

  @Test
  void configs_wrongPassphraseOrUnknownTlsKey_refusedClearly() throws Exception {
    Path site = dir.resolve("bank-1");
    Files.createDirectories(site);
    Files.writeString(site.resolve("key.pass"), "the right passphrase\n");
    assertEquals(0, Main.run("certs", "request", "--site", "bank-1", "--role", "node", "--encrypt",
        "--passphrase-file", site.resolve("key.pass").toString(), "--out", site.toString()));
    Files.writeString(site.resolve("wrong.pass"), "not the passphrase\n");
    Files.writeString(site.resolve("bank-1.yaml"), """
        site: bank-1
        coordinator: localhost:7443
        tls: {cert: bank-1.pem, key: bank-1.key, ca: ca.pem, keyPassphraseFile: wrong.pass}
        data: {csv: data.csv, idColumn: id}
        database: db
        """);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> NodeConfig.load(site.resolve("bank-1.yaml")).tls().privateKey());
    assertTrue(e.getMessage().contains("cannot decrypt the private key in " + site.resolve("bank-1.key"))
        && e.getMessage().contains("wrong.pass"), e.getMessage());

    Files.writeString(site.resolve("bank-1.yaml"), """
        site: bank-1
        coordinator: localhost:7443
        tls:
          cert: bank-1.pem
          key: bank-1.key
          ca: ca.pem
          keyPasphraseFile: key.pass
        data: {csv: data.csv, idColumn: id}
        database: db
        """);
    e = assertThrows(IllegalArgumentException.class, () -> NodeConfig.load(site.resolve("bank-1.yaml")));
    assertTrue(e.getMessage().contains("bank-1.yaml") && e.getMessage().contains("line 7")
        && e.getMessage().contains("unknown key 'tls.keyPasphraseFile'"), e.getMessage());

    Files.writeString(site.resolve("coordinator.yaml"), """
        port: 7443
        tls:
          cert: c.pem
          key: c.key
          ca: ca.pem
          passphrase: key.pass
        sites: [bank-1]
        database: db
        """);
    e = assertThrows(IllegalArgumentException.class, () -> CoordinatorConfig.load(site.resolve("coordinator.yaml")));
    assertTrue(e.getMessage().contains("coordinator.yaml") && e.getMessage().contains("line 6")
        && e.getMessage().contains("unknown key 'tls.passphrase'"), e.getMessage());
  }
}
