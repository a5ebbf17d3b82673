package dev.tandem.cli.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.cli.testing.CliRun;
import dev.tandem.node.admin.AdminConfig;
import dev.tandem.node.admin.AdminServer;
import dev.tandem.node.admin.NodeStatus;
import dev.tandem.node.config.NodeConfig;
import dev.tandem.node.store.NodeStores;
import dev.tandem.node.watch.Access;
import dev.tandem.node.watch.AccessKind;
import dev.tandem.node.watch.AccessWatch;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's {@code tandem alerts} and {@code tandem alerts clear ID}, against a node's admin API. */
class AlertsCommandTest {
  @TempDir Path dir;

  private static String[] run(String... args) {
    CliRun.Result r = CliRun.run(args);
    return new String[] {Integer.toString(r.code()), r.out(), r.err()};
  }

  @Test
  void alerts_listAndClear_throughTheAdminApi() {
    NodeConfig config = CliRun.nodeConfig(dir, "operator");
    Path token = dir.resolve("admin-token");
    try (NodeStores stores = NodeStores.open(config, Clock.systemUTC());
        AdminServer server = AdminServer.start(AdminConfig.loopback(0, token), stores,
            () -> new NodeStatus("operator", "127.0.0.1:7443", false, 0, 0, config.policy()))) {
      String url = "http://127.0.0.1:" + server.port();
      String[] none = run("alerts", "--admin-url", url, "--token-file", token.toString());
      assertEquals("0", none[0], none[2]);
      assertTrue(none[1].contains("no open leak alerts"), none[1]);

      AccessWatch watch = stores.watch();
      for (int i = 0; i <= config.watch().maxRefusals(); i++) {
        watch.refused(Access.of("bank", "credit-risk", AccessKind.SCORING));
      }
      long id = watch.blocking("bank").orElseThrow().id();

      String[] listed = run("alerts", "--admin-url", url, "--token-file", token.toString());
      assertEquals("0", listed[0], listed[2]);
      assertTrue(listed[1].startsWith(id + "  BLOCKING  bank  REFUSAL_BURST  credit-risk"), listed[1]);

      String[] cleared = run("alerts", "clear", Long.toString(id), "--admin-url", url, "--token-file",
          token.toString());
      assertEquals("0", cleared[0], cleared[2]);
      assertTrue(cleared[1].contains("cleared") && cleared[1].contains("admin-api"), cleared[1]);
      assertTrue(watch.blocking("bank").isEmpty());

      String[] again = run("alerts", "clear", Long.toString(id), "--admin-url", url, "--token-file",
          token.toString());
      assertEquals("1", again[0]);
      assertTrue(again[2].contains("HTTP 409"), again[2]);
      String[] all = run("alerts", "--all", "--admin-url", url, "--token-file", token.toString());
      assertTrue(all[1].contains("cleared"), all[1]);
      String[] missing = run("alerts");
      assertEquals("1", missing[0]);
      assertTrue(missing[2].contains("--admin-url and --token-file are required"), missing[2]);
    }
  }
}
