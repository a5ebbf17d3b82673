package dev.tandem.cli.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.cli.Main;
import dev.tandem.testkit.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's churn job with the coordinator and the three nodes (separate JVMs over mutual TLS)
 * keeping their stores on PostgreSQL: a database each on the throwaway server, given as the
 * {@code database:} mapping with a user and an owner-only password file.
 */
class DemoOnPostgresTest {
  @TempDir Path dir;

  private static long count(String url, String user, String password, String sql) throws Exception {
    try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void demo_coordinatorAndNodesOnPostgres_trainChurnAndTheAuditVerifies() throws Exception {
    PostgresServer pg = PostgresServer.shared();
    Path password = dir.resolve("db.password");
    Files.writeString(password, pg.password() + "\n");
    Files.setPosixFilePermissions(password, PosixFilePermissions.fromString("rw-------"));
    Map<String, String> urls = new LinkedHashMap<>();
    for (String member : List.of("coordinator", "branch-north", "branch-south", "branch-east")) {
      urls.put(member, pg.jdbcUrl(pg.createDatabase("demo_" + member)));
    }
    List<String> args = new ArrayList<>(List.of("demo", "--workdir", dir.resolve("federation").toString(),
        "--rounds", "2", "--churn-only", "--summary", dir.resolve("summary.json").toString(),
        "--database-user", pg.user(), "--database-password-file", password.toString()));
    urls.forEach((member, url) -> args.addAll(List.of("--database", member + "=" + url)));

    assertEquals(0, Main.run(args.toArray(String[]::new)), "demo exit code; logs in " + dir.resolve("federation/logs"));

    JsonNode s = new ObjectMapper().readTree(dir.resolve("summary.json").toFile());
    assertEquals(2, s.get("perRound").size());
    assertTrue(s.get("federatedAuc").asDouble() > 0.7, s.toString());
    for (String site : List.of("branch-north", "branch-south", "branch-east")) {
      assertTrue(s.get("audit").get(site).get("valid").asBoolean(), site + ": " + s.get("audit"));
      // the node's stores were on PostgreSQL, not on an embedded file
      assertTrue(count(urls.get(site), pg.user(), pg.password(), "SELECT COUNT(*) FROM audit_entries") > 2, site);
      assertTrue(count(urls.get(site), pg.user(), pg.password(), "SELECT COUNT(*) FROM consent_events") > 100, site);
      assertTrue(Files.notExists(dir.resolve("federation/sites").resolve(site).resolve("db")), site);
    }
    assertEquals(2, count(urls.get("coordinator"), pg.user(), pg.password(), "SELECT COUNT(*) FROM model_versions"));

    // the auditor's commands against a node on PostgreSQL: export its log, verify it offline
    Path nodeYaml = dir.resolve("federation/sites/branch-south/branch-south.yaml");
    Path audit = dir.resolve("south-audit.json");
    assertEquals(0, Main.run("audit", "export", "--config", nodeYaml.toString(), "--out", audit.toString()));
    assertEquals(0, Main.run("audit", "verify", audit.toString(), "--ca",
        dir.resolve("federation/ca/ca.pem").toString()));
  }
}
