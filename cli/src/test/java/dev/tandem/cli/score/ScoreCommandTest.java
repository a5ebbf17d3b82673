package dev.tandem.cli.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.cli.testing.CliRun;
import dev.tandem.node.admin.AdminConfig;
import dev.tandem.node.admin.AdminServer;
import dev.tandem.node.admin.NodeStatus;
import dev.tandem.node.config.NodeConfig;
import dev.tandem.node.store.NodeStores;
import dev.tandem.node.vertical.scoring.ScoreResult;
import dev.tandem.node.vertical.scoring.SubjectScorer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's {@code tandem score --admin-url http://127.0.0.1:7480 --token-file admin-token --model
 * ... --ids customers.txt}, against a node's admin API (here on a free port, in front of a scorer that
 * scores ids starting with "C-" and says why it cannot score the others).
 */
class ScoreCommandTest {
  @TempDir Path dir;

  private static String[] run(String... args) {
    CliRun.Result r = CliRun.run(args);
    return new String[] {Integer.toString(r.code()), r.out(), r.err()};
  }

  @Test
  void score_readmeCommand_printsTheScoresAndNamesTheUnscored() throws Exception {
    NodeConfig config = CliRun.nodeConfig(dir, "bank");
    Path token = dir.resolve("admin-token");
    List<List<String>> calls = new CopyOnWriteArrayList<>();
    SubjectScorer scorer = (model, ids) -> {
      calls.add(List.of(model, String.join(",", ids)));
      List<ScoreResult.Scored> scored = new ArrayList<>();
      List<ScoreResult.Unscored> unscored = new ArrayList<>();
      for (String id : ids) {
        if (id.startsWith("C-")) {
          scored.add(new ScoreResult.Scored(id, 0.125));
        } else {
          unscored.add(new ScoreResult.Unscored(id, "it is not in the intersection of job credit-risk-1a2b3c4d"));
        }
      }
      return new ScoreResult(scored, unscored);
    };
    Path customers = Files.writeString(dir.resolve("customers.txt"), "C-1042\n\nX-9\nC-7\n");
    try (NodeStores stores = NodeStores.open(config, Clock.systemUTC());
        AdminServer server = AdminServer.start(AdminConfig.loopback(0, token), stores,
            () -> new NodeStatus("bank", "127.0.0.1:7443", false, 0, 0, config.policy()), scorer)) {
      String url = "http://127.0.0.1:" + server.port();
      String[] r = run("score", "--admin-url", url, "--token-file", token.toString(),
          "--model", "credit-risk-1a2b3c4d/v3", "--ids", customers.toString());
      assertEquals("0", r[0], r[2]);
      assertEquals(List.of(List.of("credit-risk-1a2b3c4d/v3", "C-1042,X-9,C-7")), calls);
      assertTrue(r[1].contains("C-1042") && r[1].contains("C-7") && r[1].contains("0.125"), r[1]);
      assertTrue(r[2].contains("unscored X-9: it is not in the intersection"), r[2]);
      assertTrue(r[2].contains("scored 2 of 3 subjects"), r[2]);

      String[] wrongToken = run("score", "--admin-url", url, "--token-file",
          Files.writeString(dir.resolve("other-token"), "nope").toString(), "--model", "credit-risk-1a2b3c4d/v3",
          "--id", "C-1");
      assertEquals("1", wrongToken[0]);
    }
  }
}
