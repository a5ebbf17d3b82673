package dev.tandem.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.certs.CrlSource;
import dev.tandem.certs.Pem;
import dev.tandem.certs.SiteIdentity;
import dev.tandem.certs.Role;
import dev.tandem.cli.job.JobFile;
import dev.tandem.model.JobSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The operator's commands as a person types them. */
class CliCommandsTest {
  @TempDir Path dir;

  @Test
  void certs_initIssueRevoke_siteAndRoleReadBackAndCrlLists() {
    Path ca = dir.resolve("ca");
    assertEquals(0, Main.run("certs", "init", "--dir", ca.toString(), "--name", "acme"));
    assertEquals(0, Main.run("certs", "issue", "--dir", ca.toString(), "--site", "bank-1", "--role", "node",
        "--out", dir.resolve("bank").toString()));
    X509Certificate cert = Pem.readCertificate(dir.resolve("bank").resolve("bank-1.pem"));
    assertEquals(new SiteIdentity("bank-1", Role.NODE), SiteIdentity.fromCertificate(cert));
    assertEquals(0, Main.run("certs", "revoke", "--dir", ca.toString(), "--site", "bank-1"));
    CrlSource crl = CrlSource.file(ca.resolve("crl.pem"), Pem.readCertificate(ca.resolve("ca.pem")));
    assertTrue(crl.current().orElseThrow().isRevoked(cert));
    assertEquals(0, Main.run("certs", "show", dir.resolve("bank").resolve("bank-1.pem").toString()));
  }

  @Test
  void certs_initTwice_refusedWithoutOverwriting() throws Exception {
    Path ca = dir.resolve("ca");
    assertEquals(0, Main.run("certs", "init", "--dir", ca.toString()));
    byte[] before = Files.readAllBytes(ca.resolve("ca.pem"));
    assertTrue(Main.run("certs", "init", "--dir", ca.toString()) != 0);
    assertEquals(new String(before), Files.readString(ca.resolve("ca.pem")));
  }

  @Test
  void jobFile_demoJob_parses() throws Exception {
    String yaml = new String(Main.class.getResourceAsStream("/demo/churn-job.yaml").readAllBytes());
    JobSpec spec = JobFile.parse(yaml);
    assertEquals("churn", spec.purpose());
    assertEquals(19, spec.features().size());
    assertEquals(46, spec.architecture().parameterCount());
  }

  @Test
  void jobFile_unknownKeyOrBadValue_namedInTheError() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> JobFile.parse("purpose: churn\nroundz: 3\n"));
    assertTrue(e.getMessage().contains("unknown key 'roundz'"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> JobFile.parse("""
        purpose: churn
        model: {type: forest}
        features: [a]
        label: {column: y, positive: ["1"]}
        sites: [s1]
        """));
    assertTrue(e.getMessage().contains("model.type must be logistic_regression or mlp"), e.getMessage());
  }

  @Test
  void jobFile_misspelledDpKey_refusedWithFileAndLineNotTrainedWithoutNoise() throws Exception {
    Path job = dir.resolve("job.yaml");
    Files.writeString(job, """
        purpose: churn
        model: {type: logistic_regression}
        features: [tenure]
        label: {column: Churn, positive: ["Yes"]}
        sites: [a, b]
        privacy:
          secureAggregation: true
          differentialPrivacy: {noiseMultiplier: 1.1, maxGradNorm: 1.0}
        """);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JobFile.loadDefinition(job));
    assertTrue(e.getMessage().contains("job.yaml") && e.getMessage().contains("line 8")
        && e.getMessage().contains("unknown key 'privacy.differentialPrivacy'"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> JobFile.parse("""
        purpose: churn
        model: {type: logistic_regression}
        features: [tenure]
        label: {column: Churn, positive: ["Yes"]}
        sites: [a, b]
        privacy: {dp: {noiseMultiplier: 1.1, maxGradNorm: 1.0, epsilon: 3}}
        """));
    assertTrue(e.getMessage().contains("line 6") && e.getMessage().contains("'privacy.dp.epsilon'"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> JobFile.parse("""
        purpose: churn
        model: {type: logistic_regression}
        features: [tenure]
        label: {column: Churn, positive: ["Yes"]}
        sites: [a, b]
        rounds: many
        """));
    assertTrue(e.getMessage().contains("line 6: rounds must be a whole number"), e.getMessage());
  }

  @Test
  void privacyPlan_abadiSetting_printsEpsilonAndFindsTheNoiseForATarget() {
    java.io.ByteArrayOutputStream buffer = new java.io.ByteArrayOutputStream();
    java.io.PrintStream old = System.out;
    System.setOut(new java.io.PrintStream(buffer, true));
    try {
      assertEquals(0, Main.run("privacy", "plan", "--sampling-rate", "0.01", "--noise-multiplier", "4", "--steps",
          "10000", "--delta", "1e-5", "--json"));
      assertEquals(0, Main.run("privacy", "plan", "--sampling-rate", "0.01", "--target-epsilon", "1.0355", "--steps",
          "10000", "--delta", "1e-5", "--json"));
    } finally {
      System.setOut(old);
    }
    String[] lines = buffer.toString().trim().split("\n");
    assertTrue(lines[0].contains("\"epsilon\":1.035"), lines[0]);
    assertTrue(lines[1].matches(".*\"noiseMultiplier\":(3\\.99|4\\.0).*"), lines[1]);
    assertEquals(2, Main.run("privacy", "plan", "--sampling-rate", "2", "--noise-multiplier", "4", "--steps", "1",
        "--delta", "1e-5"), "a sampling rate above 1 is refused");
  }

  @Test
  void jobRun_missingJobFile_exitCode2WithOneLine() {
    assertEquals(2, Main.run("job", "run", "--config", dir.resolve("none.yaml").toString(),
        dir.resolve("job.yaml").toString()));
  }
}
