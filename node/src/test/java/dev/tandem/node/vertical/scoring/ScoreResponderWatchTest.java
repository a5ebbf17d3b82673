package dev.tandem.node.vertical.scoring;

import static dev.tandem.node.vertical.scoring.ScoringSites.VERSION;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.crypto.seal.SealKeyPair;
import dev.tandem.node.vertical.VerticalTransport;
import dev.tandem.node.watch.Alert;
import dev.tandem.node.watch.LeakRule;
import dev.tandem.node.watch.WatchConfig;
import dev.tandem.node.watch.WatchedTransport;
import dev.tandem.proto.v1.Task;
import dev.tandem.proto.v1.VerticalMessage;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A partner probing the scoring responder with ids outside the intersection: each request is
 * declined, the burst of refusals raises a leak alert, and from then on even its well-formed requests
 * are declined PERMISSION_DENIED naming the alert, until an operator clears it.
 */
class ScoreResponderWatchTest {
  @TempDir Path dir;
  ScoringSites sites;

  /** What the responder sent: "submit" or the decline's code and reason. */
  final List<String> sent = new ArrayList<>();
  final VerticalTransport transport = new VerticalTransport() {
    @Override
    public boolean submit(Task task, VerticalMessage answer) {
      sent.add("submit");
      return true;
    }

    @Override
    public void decline(Task task, String code, String reason) {
      sent.add(code + " " + reason);
    }
  };

  @BeforeEach
  void start() {
    sites = new ScoringSites(dir);
  }

  @AfterEach
  void stop() {
    sites.close();
  }

  private void askOperator(String... ids) {
    SealKeyPair key = SealKeyPair.generate(new SecureRandom());
    Task task = ScoreResponderTest.task(sites, sites.bank.keys().sign(ScoreEnvelope.keyContext(VERSION),
        key.publicKey()), VERSION, List.of(ids));
    new ScoreResponder(sites.operator.context()).respond(task,
        new WatchedTransport(sites.operator.stores().watch(), transport));
  }

  private String last() {
    return sent.get(sent.size() - 1);
  }

  @Test
  void respond_partnerProbingOutsideTheIntersection_alertBlocksItUntilCleared() {
    askOperator("c1", "c2");
    assertEquals("submit", last());
    long refusals = WatchConfig.defaults().maxRefusals();
    for (int i = 0; i <= refusals; i++) {
      askOperator("c1", "probe-" + i);
      assertTrue(last().startsWith("PERMISSION_DENIED") && last().contains("outside the intersection"), last());
    }
    Alert alert = sites.operator.stores().watch().blocking(ScoringSites.BANK).orElseThrow();
    assertEquals(LeakRule.REFUSAL_BURST, alert.rule());

    askOperator("c1", "c2");
    assertTrue(last().startsWith("PERMISSION_DENIED") && last().contains("leak alert " + alert.id()), last());

    sites.operator.stores().watch().clear(alert.id(), "operator");
    askOperator("c1", "c2");
    assertEquals("submit", last());
  }
}
