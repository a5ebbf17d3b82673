package dev.tandem.cli.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.cli.Main;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The first README command: a coordinator and three nodes as separate JVMs on loopback. */
class DemoEndToEndTest {
  @TempDir Path dir;

  @Test
  void demo_separateProcesses_trainsChurnAndWritesSummary() throws Exception {
    Path work = dir.resolve("federation");
    Path summary = dir.resolve("summary.json");
    int code = Main.run("demo", "--workdir", work.toString(), "--rounds", "4", "--summary", summary.toString(), "--churn-only");
    assertEquals(0, code, "demo exit code; logs in " + work.resolve("logs"));
    JsonNode s = new ObjectMapper().readTree(summary.toFile());
    assertEquals(4, s.get("rounds").asInt());
    assertEquals(4, s.get("perRound").size());
    assertEquals(3, s.get("perRound").get(3).get("sites").size());
    assertTrue(s.get("federatedAuc").asDouble() > 0.8, s.toString());
    assertTrue(s.get("centralizedAuc").asDouble() > 0.8, s.toString());
    // the kept federation: CA key owner-only, logs of each process, the exported model
    assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
        Files.getPosixFilePermissions(work.resolve("ca").resolve("ca.key")));
    for (String log : new String[] {"coordinator", "branch-north", "branch-south", "branch-east"}) {
      assertTrue(Files.size(work.resolve("logs").resolve(log + ".log")) > 0, log + " log is empty");
    }
    try (var exports = Files.list(work.resolve("exports"))) {
      assertEquals(5, exports.count(), "the model, three audit exports and a subject-access report");
    }
    // consent: each node's audit verifies offline; the revoked customer is provably absent from the last round
    for (String site : new String[] {"branch-north", "branch-south", "branch-east"}) {
      assertTrue(s.get("audit").get(site).get("valid").asBoolean(), site + ": " + s.get("audit"));
    }
    JsonNode access = s.get("audit").get("subjectAccess");
    assertTrue(access.get("proofsValid").asBoolean(), access.toString());
    assertTrue(access.get("absentFromRounds").asText().contains("4"), access.toString());
    assertTrue(access.get("usedInRounds").asText().contains("1"), access.toString());
    // the auditor's commands on the kept federation
    Path nodeYaml = work.resolve("sites").resolve("branch-south").resolve("branch-south.yaml");
    Path ca = work.resolve("ca").resolve("ca.pem");
    Path audit = dir.resolve("south-audit.json");
    Path report = dir.resolve("subject.json");
    // the subject-access report first: it is anchored in the log, so the export after it holds the anchor
    assertEquals(0, Main.run("audit", "subject", "--config", nodeYaml.toString(), "7590-VHVEG", "--out",
        report.toString()));
    assertEquals(0, Main.run("audit", "export", "--config", nodeYaml.toString(), "--out", audit.toString()));
    assertEquals(0, Main.run("audit", "verify", audit.toString(), "--ca", ca.toString()));
    assertEquals(0, Main.run("audit", "verify", audit.toString(), "--ca", ca.toString(), "--subject",
        report.toString()));
    String original = Files.readString(audit);
    int at = original.indexOf("records");
    assertTrue(at > 0, "the export holds round entries");
    int digit = at;
    while (!Character.isDigit(original.charAt(digit))) {
      digit++;
    }
    char changed = original.charAt(digit) == '9' ? '8' : (char) (original.charAt(digit) + 1);
    String tampered = original.substring(0, digit) + changed + original.substring(digit + 1);
    Path bad = dir.resolve("tampered.json");
    Files.writeString(bad, tampered);
    assertTrue(Main.run("audit", "verify", bad.toString(), "--ca", ca.toString()) != 0, "a changed count is detected");
    assertEquals(0, Main.run("consent", "revoke", "--config", nodeYaml.toString(), "--subject", "7590-VHVEG",
        "--purpose", "churn"));
    assertTrue(Main.run("consent", "grant", "--config", nodeYaml.toString(), "--subject", "x", "--purpose",
        "Not A Purpose") != 0, "an invalid purpose is refused");
    // the registry outlives the coordinator: list and export with every process stopped
    Path config = work.resolve("coordinator").resolve("coordinator.yaml");
    assertEquals(0, Main.run("model", "list", "--config", config.toString()));
    Path export = dir.resolve("model.json");
    String version = s.get("finalModelVersion").asText();
    assertEquals(0, Main.run("model", "export", "--config", config.toString(), version, "--out", export.toString()));
    JsonNode model = new ObjectMapper().readTree(export.toFile());
    assertEquals("tandem-model/1", model.get("format").asText());
    assertEquals(version, model.get("version").asText());
    assertEquals(46, model.get("parameters").size(), "45 encoded churn features and a bias");
    assertEquals(2, Main.run("model", "export", "--config", config.toString(), "no-such-job/v1", "--out",
        export.toString()), "an unknown version is a clear error");
  }
}
