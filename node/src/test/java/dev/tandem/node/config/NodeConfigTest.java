package dev.tandem.node.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.node.data.SqlSource;
import dev.tandem.node.policy.DpRule;
import dev.tandem.node.policy.PurposePolicy;
import dev.tandem.node.policy.SitePolicy;
import dev.tandem.node.vertical.VerticalPolicy;
import java.util.Set;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeConfigTest {
  @TempDir Path dir;

  private static final String BASE = """
      site: bank
      coordinator: 127.0.0.1:7443
      tls: {cert: bank.pem, key: bank.key, ca: ca.pem}
      data: {csv: bank.csv, idColumn: id}
      database: db
      """;

  private NodeConfig load(String extra) throws Exception {
    Path file = dir.resolve("bank.yaml");
    Files.writeString(file, BASE + extra);
    return NodeConfig.load(file);
  }

  @Test
  void load_maxMessageBytes_defaultFitsAVerticalSetupAndIsASetting() throws Exception {
    // SSHE_SETUP's features: about 30 MB per recipient for 30,000 rows at 2048-bit keys
    assertEquals(128 * 1024 * 1024, load("").maxMessageBytes());
    assertEquals(256 * 1024 * 1024, load("maxMessageBytes: 268435456\n").maxMessageBytes());
  }

  @Test
  void load_noVerticalBlock_defaultPolicyRefusesTestingKeys() throws Exception {
    VerticalPolicy p = load("").vertical();
    assertEquals(VerticalPolicy.defaults(), p);
    assertEquals(false, p.allowTestingKeys());
  }

  @Test
  void load_verticalBlock_readsEverySetting() throws Exception {
    assertEquals(new VerticalPolicy(64, true, 1.5),
        load("vertical: {minBatchSize: 64, maxPeerSetFactor: 1.5, allowTestingKeys: true}\n").vertical());
    assertEquals(VerticalPolicy.defaults().allowingTestingKeys(),
        load("vertical:\n  allowTestingKeys: true\n").vertical());
    assertEquals(VerticalPolicy.defaults().withMaxScoredPerDay(500), load("vertical: {maxScoredPerDay: 500}\n").vertical());
  }

  @Test
  void load_unknownOrMistypedVerticalKey_refusedNamingIt() {
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
        () -> load("vertical: {allowTestKeys: true}\n"));
    assertTrue(unknown.getMessage().contains("unknown key 'vertical.allowTestKeys'"), unknown.getMessage());
    IllegalArgumentException text = assertThrows(IllegalArgumentException.class,
        () -> load("vertical: {allowTestingKeys: \"yes\"}\n"));
    assertTrue(text.getMessage().contains("vertical.allowTestingKeys must be true or false"), text.getMessage());
    IllegalArgumentException small = assertThrows(IllegalArgumentException.class,
        () -> load("vertical: {minBatchSize: 0}\n"));
    assertTrue(small.getMessage().contains("vertical.minBatchSize must be in [1, 2147483647], got 0"), small.getMessage());
    assertThrows(IllegalArgumentException.class, () -> load("vertical: {minBatchSize: 2.5}\n"));
    IllegalArgumentException factor = assertThrows(IllegalArgumentException.class,
        () -> load("vertical: {maxPeerSetFactor: 0.5}\n"));
    assertTrue(factor.getMessage().contains("vertical.maxPeerSetFactor must be in [1, 1000000], got 0.5"),
        factor.getMessage());
    RuntimeException nan = assertThrows(RuntimeException.class, () -> load("vertical: {maxPeerSetFactor: .nan}\n"));
    assertTrue(nan.getMessage().contains("bank.yaml") && nan.getMessage().contains("line: 6"), nan.getMessage());
    assertThrows(IllegalArgumentException.class, () -> load("maxMessageBytes: 100\n"));
    IllegalArgumentException cap = assertThrows(IllegalArgumentException.class,
        () -> load("vertical: {maxScoredPerDay: 0}\n"));
    assertTrue(cap.getMessage().contains("vertical.maxScoredPerDay must be in [1, 2147483647], got 0"), cap.getMessage());
    IllegalArgumentException capText = assertThrows(IllegalArgumentException.class,
        () -> load("vertical: {maxScoredPerDay: lots}\n"));
    assertTrue(capText.getMessage().contains("vertical.maxScoredPerDay must be a whole number"), capText.getMessage());
  }

  /** BASE with its database line replaced by {@code database}. */
  private NodeConfig loadWithDatabase(String database) throws Exception {
    Path file = dir.resolve("bank.yaml");
    Files.writeString(file, BASE.replace("database: db\n", database));
    return NodeConfig.load(file);
  }

  @Test
  void load_databaseServerMapping_urlWithTheUserAndThePasswordFromItsOwnerOnlyFile() throws Exception {
    Path password = dir.resolve("node-db.password");
    Files.writeString(password, "s3cr&t\n");
    Files.setPosixFilePermissions(password, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    NodeConfig c = loadWithDatabase("""
        database:
          url: jdbc:postgresql://db.example:5432/tandem_node
          user: tandem
          passwordFile: node-db.password
        """);
    assertEquals("jdbc:postgresql://db.example:5432/tandem_node?user=tandem&password=s3cr%26t", c.databaseUrl());
    assertFalse(c.toString().contains("s3cr"), c.toString());

    says(assertThrows(IllegalArgumentException.class, () -> loadWithDatabase(
        "database:\n  url: jdbc:postgresql://db/x\n  pasword: p\n")), "line 7", "unknown key 'database.pasword'");
    says(assertThrows(IllegalArgumentException.class, () -> loadWithDatabase(
        "database: {url: 'jdbc:postgresql://db/x?password=p'}\n")), "must not carry the user or password");
    Files.setPosixFilePermissions(password, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    says(assertThrows(IllegalArgumentException.class, () -> loadWithDatabase(
        "database: {url: 'jdbc:postgresql://db/x', user: u, passwordFile: node-db.password}\n")),
        "open to other users than its owner: chmod 600");
    says(assertThrows(IllegalArgumentException.class, () -> loadWithDatabase(
        "database: {url: 'jdbc:postgresql://db/x'}\ndatabaseKeyFile: k\n")), "databaseKeyFile encrypts the embedded");
  }

  private IllegalArgumentException refused(String extra) {
    return assertThrows(IllegalArgumentException.class, () -> load(extra));
  }

  private static void says(IllegalArgumentException e, String... phrases) {
    for (String p : phrases) {
      assertTrue(e.getMessage().contains(p), "'" + p + "' in: " + e.getMessage());
    }
  }

  @Test
  void load_noPolicyBlock_defaultsAPrivacyOfficerSigns() throws Exception {
    NodeConfig c = load("""
        privacy: {purposes: {churn: {epsilon: 3}}}
        consent: {purposes: [churn, credit], minCohort: 25}
        """);
    SitePolicy p = c.policy();
    assertTrue(p.forPurpose("credit").secureAggregation(), "secure aggregation required");
    assertEquals(25, p.forPurpose("credit").minTrainingCohort());
    assertEquals(25, p.forPurpose("credit").minEvaluationCohort(), "evaluation cohort at least the training one");
    assertTrue(p.forPurpose("churn").dp().required(), "a purpose with a budget requires DP");
    assertFalse(p.forPurpose("credit").dp().required());
    assertEquals(2048, p.forPurpose("credit").minPaillierBits());
  }

  @Test
  void load_policyBlock_readsSiteAndPurposeSettings() throws Exception {
    NodeConfig c = load("""
        privacy: {purposes: {churn: {epsilon: 3}}}
        consent: {purposes: [churn, credit], minCohort: 20, partners: [b, c]}
        policy:
          minEvaluationCohort: 40
          dp: {minNoiseMultiplier: 0.8}
          purposes:
            churn:
              columns: [tenure, Churn]
              partners: [b]
              dp: {maxEpsilonPerJob: 2}
            credit:
              requireSecureAggregation: false
              minTrainingCohort: 50
              minPaillierBits: 3072
        """);
    PurposePolicy churn = c.policy().forPurpose("churn");
    assertEquals(Set.of("tenure", "Churn"), churn.columns());
    assertEquals(Set.of("b"), churn.partners());
    assertEquals(new DpRule(true, 2, 0.8), churn.dp());
    assertEquals(40, churn.minEvaluationCohort());
    PurposePolicy credit = c.policy().forPurpose("credit");
    assertFalse(credit.secureAggregation());
    assertEquals(50, credit.minTrainingCohort());
    assertEquals(50, credit.minEvaluationCohort(), "raised with the training cohort");
    assertEquals(3072, credit.minPaillierBits());
    assertTrue(c.policy().describe().contains("purpose 'churn'"), c.policy().describe());
  }

  @Test
  void load_badPolicy_refusedWithFileLineAndReason() {
    says(refused("""
        consent: {purposes: [churn]}
        policy:
          purposes:
            churn: {colums: [a]}
        """), "bank.yaml", "line 9", "unknown key 'policy.purposes.churn.colums' (did you mean 'columns'?");
    says(refused("""
        consent: {purposes: [churn]}
        policy:
          dp: {maxEpsilonPerJob: lots}
        """), "line 8", "policy.dp.maxEpsilonPerJob must be a finite number > 0, got 'lots'");
    says(refused("""
        consent: {purposes: [churn], minCohort: 20}
        policy:
          minEvaluationCohort: 5
        """), "line 8", "policy.minEvaluationCohort must be at least the training cohort (20)");
    says(refused("""
        privacy: {purposes: {churn: {epsilon: 1}}}
        consent: {purposes: [churn]}
        policy:
          purposes:
            churn:
              dp: {maxEpsilonPerJob: 4}
        """), "line 11", "more than the purpose's whole privacy budget 1.0");
    says(refused("""
        consent: {purposes: [churn]}
        policy: {purposes: {marketing: {requireSecureAggregation: true}}}
        """), "line 7", "policy.purposes.marketing names a purpose this node does not serve");
    says(refused("""
        consent: {purposes: [churn]}
        policy: {minPaillierBits: 1024}
        """), "policy.minPaillierBits must be at least 2048");
    says(refused("""
        consent: {purposes: [churn]}
        policy: {minTrainingCohort: 2.5}
        """), "policy.minTrainingCohort must be a whole number");
    says(refused("""
        consent: {purposes: [churn], partners: [b]}
        policy: {purposes: {churn: {partners: [rival]}}}
        """), "names [rival], which consent.partners does not accept");
    says(refused("""
        consent: {purposes: [churn]}
        policy: {requireSecureAggregation: "no"}
        """), "policy.requireSecureAggregation must be true or false");
  }

  @Test
  void load_unknownTopLevelOrBudgetKey_refusedWithLine() {
    says(refused("polcy: {}\n"), "line 6", "unknown key 'polcy'");
    says(refused("privacy: {purposes: {churn: {epsilon: 3, delt: 1.0e-5}}}\n"), "line 6",
        "unknown key 'privacy.purposes.churn.delt'");
    says(refused("privacy: {epsilon: ten}\n"), "privacy.epsilon must be a number");
    says(refused("consent: {purposes: [churn], minCohort: many}\n"), "consent.minCohort must be a whole number");
  }

  @Test
  void load_misspeltMinCohort_refusedWithLineAndSuggestionNotStartedOnTheDefault() {
    says(refused("consent:\n  purposes: [churn]\n  minCohrt: 5000\n"), "bank.yaml", "line 8",
        "unknown key 'consent.minCohrt' (did you mean 'minCohort'?");
  }

  @Test
  void load_epsilonNotANumberOrNotPositive_refused() {
    says(refused("privacy: {epsilon: abc}\n"), "bank.yaml", "line 6", "privacy.epsilon must be a number", "'abc'");
    says(refused("privacy: {epsilon: -1}\n"), "line 6", "privacy.epsilon must be in (0, ");
    says(refused("privacy: {delta: 2}\n"), "line 6", "privacy.delta must be in (0, ");
  }

  @Test
  void load_unknownKeyInDataOrAdmin_refusedWithSuggestion() {
    Path file = dir.resolve("bank.yaml");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> {
      Files.writeString(file, BASE.replace("data: {csv: bank.csv, idColumn: id}",
          "data: {csv: bank.csv, idColumn: id, testFracton: 0.3}"));
      NodeConfig.load(file);
    });
    says(e, "line 4", "unknown key 'data.testFracton' (did you mean 'testFraction'?");
    says(refused("admin: {host: 127.0.0.1, prot: 7480}\n"), "line 6", "unknown key 'admin.prot' (did you mean 'port'?");
  }

  @Test
  void load_numbersThatDoNotParseOrLieOutsideTheirRange_refused() {
    says(refused("maxMessageBytes: lots\n"), "line 6", "maxMessageBytes must be a whole number");
    says(refused("maxMessageBytes: 99999999999999999999\n"), "line 6", "maxMessageBytes must be a whole number");
    says(refused("admin: {port: 70000}\n"), "line 6", "admin.port must be in [0, 65535], got 70000");
    says(refused("consent: {purposes: [churn], minCohort: 0}\n"), "consent.minCohort must be in [1, ");
    Path file = dir.resolve("bank.yaml");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> {
      Files.writeString(file, BASE.replace("idColumn: id}", "idColumn: id, testFraction: 1.5}"));
      NodeConfig.load(file);
    });
    says(e, "line 4", "data.testFraction must be in [0, 0.99], got 1.5");
  }

  private NodeConfig loadWithData(String data) throws Exception {
    Path file = dir.resolve("bank.yaml");
    Files.writeString(file, BASE.replace("data: {csv: bank.csv, idColumn: id}\n", data));
    return NodeConfig.load(file);
  }

  private IllegalArgumentException refusedData(String data) {
    return assertThrows(IllegalArgumentException.class, () -> loadWithData(data));
  }

  @Test
  void load_sqlSource_readsUrlUserPasswordFileAndQuery() throws Exception {
    NodeConfig c = loadWithData("""
        data:
          sql:
            url: jdbc:postgresql://db.bank.internal:5432/customers
            user: tandem
            passwordFile: db.pass
            query: SELECT cust_id AS "customerID", tenure FROM customers ORDER BY cust_id
          idColumn: customerID
          columns: {tenureMonths: tenure}
          testFraction: 0.25
          splitSeed: 7
        """);
    SqlSource sql = assertInstanceOf(SqlSource.class, c.data().source());
    assertEquals("jdbc:postgresql://db.bank.internal:5432/customers", sql.url());
    assertEquals("tandem", sql.user());
    assertEquals(dir.resolve("db.pass"), sql.passwordFile());
    assertTrue(sql.query().endsWith("ORDER BY cust_id"));
    assertEquals("customerID", c.data().idColumn());
    assertEquals(java.util.Map.of("tenureMonths", "tenure"), c.data().columnMapping());
    assertEquals(0.25, c.data().testFraction());
    assertEquals(7, c.data().splitSeed());
    assertEquals(null, c.data().heldOut());
    assertEquals(dir.resolve("bank.csv"), load("").data().csv());
  }

  @Test
  void load_badDataSection_refusedWithLineAndReason() {
    says(refusedData("data: {csv: bank.csv, idColumn: id, testCvs: t.csv}\n"), "line 4",
        "unknown key 'data.testCvs'");
    says(refusedData("""
        data:
          sql: {url: "jdbc:h2:mem:x", query: "SELECT 1", pasword: p}
          idColumn: id
        """), "line 5", "unknown key 'data.sql.pasword'");
    says(refusedData("""
        data:
          csv: bank.csv
          sql: {url: "jdbc:h2:mem:x", query: "SELECT 1"}
          idColumn: id
        """), "line 6", "data.sql and data.csv are both set");
    says(refusedData("data: {idColumn: id}\n"), "line 4", "data needs a source: csv (a file) or sql (a query)");
    says(refusedData("""
        data:
          sql: {url: "postgres://db/x", query: "SELECT 1"}
          idColumn: id
        """), "line 5", "data.sql.url must be a jdbc: URL");
    says(refusedData("""
        data:
          sql: {url: "jdbc:h2:mem:x"}
          idColumn: id
        """), "line 5", "missing key 'data.sql.query'");
    says(refusedData("data: {csv: bank.csv, idColumn: id, testFraction: 1.5}\n"), "line 4",
        "data.testFraction must be in [0, 0.99]");
    says(refusedData("data: {csv: bank.csv, idColumn: id, splitSeed: seven}\n"), "line 4",
        "data.splitSeed must be a whole number");
    says(refusedData("data: {csv: bank.csv, idColumn: id, columns: [a, b]}\n"), "line 4",
        "data.columns must be a mapping");
  }
}
