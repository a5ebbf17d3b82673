package dev.tandem.cli.federation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.cli.Main;
import dev.tandem.model.JobSpec;
import dev.tandem.model.ModelSpec;
import dev.tandem.model.PrivacySpec;
import dev.tandem.node.audit.CoordinatorHead;
import dev.tandem.node.data.DataSourceConfig;
import dev.tandem.node.training.Datasets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tandem audit head} against a running coordinator, and {@code audit verify --coordinator-head}:
 * a log cut, rewritten or emptied after the coordinator's latest countersigned head is caught even
 * when its own countersignatures were dropped (issue #12: "the verifier trusts what it is given").
 */
class CoordinatorHeadTest {
  @TempDir Path dir;

  static final List<String> SITES = List.of("branch-north", "branch-south", "branch-east");
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void auditHead_fromNodeAndOperator_catchesACutOrEmptiedLogTheFileAloneCannotShow() throws Exception {
    Map<String, DataSourceConfig> configs = LocalFederation.splitByHash(Datasets.churnCsv(), Datasets.CHURN_ID, SITES,
        dir.resolve("churn"), 0);
    try (LocalFederation fed = new LocalFederation(dir.resolve("fed"), configs)) {
      JobSpec job = new JobSpec("", "churn", ModelSpec.logisticRegression(1e-4), Datasets.churnFeatures(),
          Datasets.churnLabel(), SITES, 2, 1, 0.05, 32, 2, 3, PrivacySpec.secure());
      assertEquals("SUCCEEDED", fed.run(job).finished().getState());
      Path north = dir.resolve("fed").resolve("branch-north");
      Path ca = north.resolve("ca.pem");
      Path nodeYaml = dir.resolve("branch-north.yaml");
      Files.writeString(nodeYaml, """
          site: branch-north
          coordinator: localhost:%d
          tls: {cert: %s, key: %s, ca: %s, crl: %s}
          data: {csv: %s, idColumn: %s}
          database: %s
          """.formatted(fed.coordinator().port(), north.resolve("cert.pem"), north.resolve("key.pem"), ca,
          north.resolve("crl.pem"), configs.get("branch-north").csv(), Datasets.CHURN_ID, dir.resolve("unused-db")));
      Path coordinator = dir.resolve("fed").resolve("coordinator");
      Path coordinatorYaml = dir.resolve("coordinator.yaml");
      Files.writeString(coordinatorYaml, """
          host: 127.0.0.1
          port: %d
          tls: {cert: %s, key: %s, ca: %s, crl: %s}
          sites: [branch-north, branch-south, branch-east]
          database: %s
          """.formatted(fed.coordinator().port(), coordinator.resolve("cert.pem"), coordinator.resolve("key.pem"),
          coordinator.resolve("ca.pem"), coordinator.resolve("crl.pem"), dir.resolve("unused-coordinator-db")));

      Path head = dir.resolve("head.json");
      assertEquals(0, Main.run("audit", "head", "--config", nodeYaml.toString(), "--out", head.toString()));
      CoordinatorHead record = CoordinatorHead.read(head);
      assertTrue(record.seq() > 0, "the coordinator countersigned the node's heads: " + record);
      Path asOperator = dir.resolve("head-operator.json");
      assertEquals(0, Main.run("audit", "head", "--config", coordinatorYaml.toString(), "--site", "branch-north",
          "--out", asOperator.toString()));
      assertEquals(record.seq(), CoordinatorHead.read(asOperator).seq());

      Path export = dir.resolve("north-audit.json");
      fed.node("branch-north").stores().audit().export().write(export);
      assertEquals(0, Main.run("audit", "verify", export.toString(), "--ca", ca.toString(), "--coordinator-head",
          head.toString()));

      // the tail from the coordinator's head on is cut, with the countersignatures that named it
      ObjectNode cut = (ObjectNode) JSON.readTree(export.toFile());
      ArrayNode entries = (ArrayNode) cut.get("entries");
      while (entries.size() >= record.seq()) {
        entries.remove(entries.size() - 1);
      }
      ArrayNode list = (ArrayNode) cut.get("countersignatures");
      for (int i = list.size() - 1; i >= 0; i--) {
        if (list.get(i).get("seq").asLong() >= record.seq()) {
          list.remove(i);
        }
      }
      Path cutFile = dir.resolve("cut.json");
      Files.writeString(cutFile, cut.toString());
      assertEquals(0, Main.run("audit", "verify", cutFile.toString(), "--ca", ca.toString(),
          "--allow-uncountersigned"), "the file alone cannot show this cut");
      assertEquals(3, Main.run("audit", "verify", cutFile.toString(), "--ca", ca.toString(),
          "--allow-uncountersigned", "--coordinator-head", head.toString()));

      // an emptied log
      entries.removeAll();
      list.removeAll();
      Path empty = dir.resolve("empty.json");
      Files.writeString(empty, cut.toString());
      assertEquals(3, Main.run("audit", "verify", empty.toString(), "--ca", ca.toString()));
      assertEquals(0, Main.run("audit", "verify", empty.toString(), "--ca", ca.toString(),
          "--allow-uncountersigned"));
      assertEquals(3, Main.run("audit", "verify", empty.toString(), "--ca", ca.toString(),
          "--allow-uncountersigned", "--coordinator-head", head.toString()));

    }
  }
}
