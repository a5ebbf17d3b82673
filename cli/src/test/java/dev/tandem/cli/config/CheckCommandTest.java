package dev.tandem.cli.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.certs.testing.TestPki;
import dev.tandem.cli.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tandem config check} on good and bad node, coordinator and job files. */
class CheckCommandTest {
  @TempDir Path dir;

  private final TestPki pki = TestPki.create();

  @BeforeEach
  void files() throws Exception {
    pki.writeSite(Files.createDirectories(dir.resolve("bank")), pki.node("bank"));
    pki.writeSite(Files.createDirectories(dir.resolve("fl")), pki.coordinator("fl"));
    List<String> rows = new ArrayList<>(List.of("id,tenure,plan,Partner,y"));
    for (int i = 0; i < 50; i++) {
      rows.add("c%02d,%d,%s,%s,%d".formatted(i, i, i % 4 == 0 ? "gold" : "silver", i % 2 == 0 ? "Yes" : "No", i % 2));
    }
    Files.write(dir.resolve("bank.csv"), rows);
  }

  private Path write(String name, String text) throws Exception {
    return Files.writeString(dir.resolve(name), text);
  }

  private Path node(String extra) throws Exception {
    return write("bank.yaml", """
        site: bank
        coordinator: 127.0.0.1:7443
        tls: {cert: bank/cert.pem, key: bank/key.pem, ca: bank/ca.pem, crl: bank/crl.pem}
        data: {csv: bank.csv, idColumn: id}
        database: bank-db
        consent: {purposes: [churn], minCohort: 5}
        """ + extra);
  }

  private Path job(String features) throws Exception {
    return write("job.yaml", """
        purpose: churn
        model: {type: logistic_regression}
        label: {column: y, positive: ["1"]}
        sites: [bank, branch]
        """ + "features: " + features + "\n");
  }

  private static void says(String text, String... phrases) {
    for (String p : phrases) {
      assertTrue(text.contains(p), "'" + p + "' in: " + text);
    }
  }

  @Test
  void check_goodNode_validWithItsEffectivePolicyPerPurpose() throws Exception {
    CliRun.Result r = CliRun.run("config", "check", node("").toString());
    assertEquals(0, r.code(), r.err());
    says(r.out(), "node 'bank'", "certificate: bank (node), CRL current", "training and",
        "effective site policy per purpose", "purpose 'churn': secure aggregation required", "training 5",
        "any other purpose: refused", "valid node configuration");
    assertFalse(Files.exists(dir.resolve("bank-db.password")), "a check creates no database secret");
  }

  @Test
  void check_nodeWithATypo_problemWithLineAndSuggestion() throws Exception {
    Path yaml = write("bank.yaml", Files.readString(node("")).replace("minCohort: 5", "minCohrt: 5000"));
    CliRun.Result r = CliRun.run("config", "check", yaml.toString());
    assertEquals(1, r.code());
    says(r.err(), "bank.yaml: line 6: unknown key 'consent.minCohrt' (did you mean 'minCohort'?", "1 problem");
  }

  @Test
  void check_nodeWhoseSiteDiffersFromItsCertificateOrWithoutItsCrl_problems() throws Exception {
    Path yaml = write("bank.yaml", Files.readString(node("")).replace("site: bank", "site: bank-2"));
    CliRun.Result r = CliRun.run("config", "check", yaml.toString());
    assertEquals(1, r.code());
    says(r.err(), "site: 'bank-2' differs from the site id 'bank'");
    Files.delete(dir.resolve("bank/crl.pem"));
    r = CliRun.run("config", "check", node("").toString());
    assertEquals(1, r.code());
    says(r.err(), "tls.crl", "is missing");
  }

  @Test
  void check_coordinator_goodValidNodeCertificateOrTypoRefused() throws Exception {
    String text = """
        port: 7443
        tls: {cert: fl/cert.pem, key: fl/key.pem, ca: fl/ca.pem, crl: fl/crl.pem}
        sites: [bank, branch]
        database: fl-db
        """;
    CliRun.Result r = CliRun.run("config", "check", write("fl.yaml", text).toString());
    assertEquals(0, r.code(), r.err());
    says(r.out(), "coordinator on 127.0.0.1:7443", "fl (coordinator)", "valid coordinator configuration");
    r = CliRun.run("config", "check", write("fl.yaml", text.replace("fl/cert.pem", "bank/cert.pem")
        .replace("fl/key.pem", "bank/key.pem")).toString());
    assertEquals(1, r.code());
    says(r.err(), "is a node certificate (site 'bank')");
    r = CliRun.run("config", "check", write("fl.yaml", text + "roundTimeoutSecs: 30\n").toString());
    assertEquals(1, r.code());
    says(r.err(), "line 5: unknown key 'roundTimeoutSecs' (did you mean 'roundTimeoutSeconds'?");
  }

  @Test
  void check_job_goodValidHugeRoundsOrBooleanCategoriesRefused() throws Exception {
    CliRun.Result r = CliRun.run("config", "check", job("[tenure]").toString());
    assertEquals(0, r.code(), r.err());
    says(r.out(), "horizontal job for purpose 'churn'", "valid job file");
    r = CliRun.run("config", "check", write("job.yaml", Files.readString(job("[tenure]"))
        + "rounds: 99999999999999999999\n").toString());
    assertEquals(1, r.code());
    says(r.err(), "line 6: rounds must be a whole number in [1, 1000000]");
    r = CliRun.run("config", "check", job("[{name: Partner, categories: [no, yes]}]").toString());
    assertEquals(1, r.code());
    says(r.err(), "is 'no', which YAML reads as the boolean false", "quote it");
  }

  @Test
  void check_jobAgainstANodesData_textDeclaredNumericAndUnknownCategoriesNamedWithShareAndExamples()
      throws Exception {
    Path nodeYaml = node("");
    CliRun.Result r = CliRun.run("config", "check", job("[tenure, plan, {name: Partner, categories: [Y, N]}]")
        .toString(), "--node", nodeYaml.toString());
    assertEquals(1, r.code(), r.out());
    says(r.err(), "site 'bank' cannot encode feature 'plan' is declared numeric", "100%: 50 of 50 values",
        "'gold'", "feature 'Partner' has categories [Y, N]", "'Yes'", "2 problems");
    r = CliRun.run("config", "check", job("[tenure, {name: Partner, categories: [\"No\", \"Yes\"]}]").toString(),
        "--node", nodeYaml.toString());
    assertEquals(0, r.code(), r.err());
    says(r.out(), "site 'bank' accepts the job and can encode its 2 features");
  }

  @Test
  void check_verticalJobAgainstTheGuestsData_itsOwnFeaturesChecked() throws Exception {
    Path job = write("vertical.yaml", """
        purpose: churn
        guest: {site: bank, features: [tenure, {name: plan, categories: [Gold, Silver]}]}
        hosts: [{site: operator, features: [spend]}]
        label: {column: y, positive: ["1"]}
        seed: 7
        """);
    CliRun.Result r = CliRun.run("config", "check", job.toString(), "--node", node("").toString());
    assertEquals(1, r.code(), r.out());
    says(r.out(), "vertical job for purpose 'churn', parties [bank, operator]");
    says(r.err(), "site 'bank' cannot encode feature 'plan' has categories [Gold, Silver]", "'gold'", "1 problem");
    r = CliRun.run("config", "check", write("vertical.yaml", Files.readString(job).replace("Gold, Silver",
        "gold, silver")).toString(), "--node", node("").toString());
    assertEquals(0, r.code(), r.err());
  }

  @Test
  void check_jobTheNodesPolicyDeclines_problem() throws Exception {
    Path nodeYaml = node("policy: {purposes: {churn: {columns: [plan, y]}}}\n");
    CliRun.Result r = CliRun.run("config", "check", job("[tenure]").toString(), "--node", nodeYaml.toString());
    assertEquals(1, r.code());
    says(r.err(), "the node would decline this job", "column 'tenure'");
  }
}
