package dev.tandem.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.certs.CertificateRequest;
import dev.tandem.certs.CrlSource;
import dev.tandem.certs.FederationCa;
import dev.tandem.certs.FederationTrust;
import dev.tandem.certs.KeyPassphrase;
import dev.tandem.certs.Pem;
import dev.tandem.certs.SiteIdentity;
import dev.tandem.certs.Role;
import dev.tandem.cli.job.JobFile;
import dev.tandem.model.JobSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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

  /** The README's "1. Certificates" commands, in its order: the keys are made at the sites, the CA signs requests. */
  @Test
  void certs_readmeRequestSignFlow_keysStayAtTheSitesAndCertificatesMatchThem() throws Exception {
    String ca = dir.resolve("ca").toString();
    String bank = dir.resolve("bank-1").toString();
    String coordinator = dir.resolve("coordinator").toString();
    assertEquals(0, Main.run("certs", "init", "--dir", ca, "--name", "acme-federation"));
    assertEquals(0, Main.run("certs", "request", "--site", "bank-1", "--role", "node", "--out", bank));
    assertEquals(0, Main.run("certs", "request", "--site", "coordinator", "--role", "coordinator",
        "--host", "fl.acme.example", "--out", coordinator));
    assertEquals(0, Main.run("certs", "sign", "--dir", ca, "--csr", bank + "/bank-1.csr", "--site", "bank-1",
        "--role", "node", "--out", bank));
    assertEquals(0, Main.run("certs", "sign", "--dir", ca, "--csr", coordinator + "/coordinator.csr",
        "--site", "coordinator", "--role", "coordinator", "--host", "fl.acme.example", "--out", coordinator));
    assertEquals(0, Main.run("certs", "list", "--dir", ca));

    Path bankKey = dir.resolve("bank-1/bank-1.key");
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(bankKey)));
    X509Certificate cert = Pem.readCertificate(dir.resolve("bank-1/bank-1.pem"));
    assertEquals(new SiteIdentity("bank-1", Role.NODE), SiteIdentity.fromCertificate(cert));
    X509Certificate caCert = Pem.readCertificate(dir.resolve("bank-1/ca.pem"));
    FederationTrust.keyManager(cert, Pem.readPrivateKey(bankKey), caCert);
    X509Certificate coordinatorCert = Pem.readCertificate(dir.resolve("coordinator/coordinator.pem"));
    assertEquals(java.util.List.of(java.util.List.of(2, "fl.acme.example")),
        java.util.List.copyOf(coordinatorCert.getSubjectAlternativeNames()));
    try (var files = Files.list(dir.resolve("ca"))) {
      assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".key") && !f.endsWith("ca.key")),
          "no site key at the CA");
    }

    assertEquals(0, Main.run("certs", "revoke", "--dir", ca, "--site", "bank-1"));
    CrlSource crl = CrlSource.file(dir.resolve("ca/crl.pem"), caCert);
    assertTrue(crl.current().orElseThrow().isRevoked(cert));
    assertEquals(0, Main.run("certs", "show", bank + "/bank-1.pem"));
  }

  /** A CRL is valid 30 days and sites fail closed after it: `certs crl` re-signs it, keeping every revocation. */
  @Test
  void certsCrl_resignsWithAFreshNextUpdateAndTheSameRevocations() throws Exception {
    String ca = dir.resolve("ca").toString();
    assertEquals(0, Main.run("certs", "init", "--dir", ca));
    assertEquals(0, Main.run("certs", "issue", "--dir", ca, "--site", "bank-1", "--role", "node",
        "--out", dir.resolve("bank").toString()));
    assertEquals(0, Main.run("certs", "revoke", "--dir", ca, "--site", "bank-1"));
    java.security.cert.X509CRL before = Pem.readCrl(dir.resolve("ca/crl.pem"));
    Thread.sleep(1100); // CRL times have second precision
    assertEquals(0, Main.run("certs", "crl", "--dir", ca));
    java.security.cert.X509CRL after = Pem.readCrl(dir.resolve("ca/crl.pem"));
    assertTrue(after.getThisUpdate().after(before.getThisUpdate()), "a fresh thisUpdate");
    assertTrue(after.getNextUpdate().after(before.getNextUpdate()), "a later nextUpdate");
    after.verify(Pem.readCertificate(dir.resolve("ca/ca.pem")).getPublicKey());
    assertTrue(after.isRevoked(Pem.readCertificate(dir.resolve("bank/bank-1.pem"))), "still revoked");
  }

  @Test
  void certsSign_requestForAnotherSiteOrRole_refusedAndNothingIssued() throws Exception {
    String ca = dir.resolve("ca").toString();
    assertEquals(0, Main.run("certs", "init", "--dir", ca));
    assertEquals(0, Main.run("certs", "request", "--site", "bank-2", "--role", "node", "--out", dir.toString()));
    String csr = dir.resolve("bank-2.csr").toString();
    String err = stderrOf(() -> assertEquals(1, Main.run("certs", "sign", "--dir", ca, "--csr", csr,
        "--site", "bank-1", "--role", "node", "--out", dir.resolve("out").toString())));
    assertTrue(err.contains("the request is for site 'bank-2' as node, but you expect site 'bank-1' as node"), err);
    err = stderrOf(() -> assertEquals(1, Main.run("certs", "sign", "--dir", ca, "--csr", csr,
        "--site", "bank-2", "--role", "coordinator", "--host", "localhost", "--out", dir.resolve("out").toString())));
    assertTrue(err.contains("you expect site 'bank-2' as coordinator"), err);
    assertTrue(FederationCa.load(dir.resolve("ca")).issued().isEmpty());
    assertTrue(Files.notExists(dir.resolve("out/bank-1.pem")) && Files.notExists(dir.resolve("out/bank-2.pem")));
  }

  @Test
  void certsSign_tamperedRequest_refused() throws Exception {
    String ca = dir.resolve("ca").toString();
    assertEquals(0, Main.run("certs", "init", "--dir", ca));
    assertEquals(0, Main.run("certs", "request", "--site", "bank-2", "--role", "node", "--out", dir.toString()));
    // bank-2 renames its request to bank-1 after signing it
    Path csr = dir.resolve("bank-2.csr");
    String body = Files.readString(csr).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    String der = new String(java.util.Base64.getDecoder().decode(body), java.nio.charset.StandardCharsets.ISO_8859_1);
    String forged = "-----BEGIN CERTIFICATE REQUEST-----\n" + java.util.Base64.getMimeEncoder().encodeToString(
        der.replace("bank-2", "bank-1").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1))
        + "\n-----END CERTIFICATE REQUEST-----\n";
    Files.writeString(csr, forged);
    String err = stderrOf(() -> assertEquals(1, Main.run("certs", "sign", "--dir", ca, "--csr", csr.toString(),
        "--site", "bank-1", "--role", "node", "--out", dir.resolve("out").toString())));
    assertTrue(err.contains("does not verify") && err.contains("refusing"), err);
    assertTrue(FederationCa.load(dir.resolve("ca")).issued().isEmpty());
  }

  @Test
  void certsRequest_encrypt_keyIsEncryptedAndReadsWithThePassphrase() throws Exception {
    Path passphrase = dir.resolve("key.pass");
    Files.writeString(passphrase, "a long site passphrase\n");
    assertEquals(0, Main.run("certs", "request", "--site", "bank-1", "--role", "node", "--encrypt",
        "--passphrase-file", passphrase.toString(), "--out", dir.toString()));
    Path key = dir.resolve("bank-1.key");
    // the file is a PKCS#8 EncryptedPrivateKeyInfo, and it does not read without the passphrase
    try (org.bouncycastle.openssl.PEMParser pem = new org.bouncycastle.openssl.PEMParser(Files.newBufferedReader(key))) {
      assertTrue(pem.readObject() instanceof org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo);
    }
    org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class, () -> Pem.readPrivateKey(key));
    assertEquals(CertificateRequest.read(dir.resolve("bank-1.csr")).publicKey().getAlgorithm(),
        Pem.readPrivateKey(key, KeyPassphrase.fromFile(passphrase)).getAlgorithm());
    assertEquals(1, Main.run("certs", "request", "--site", "bank-1", "--role", "node", "--out", dir.toString()),
        "an existing key is never overwritten");
  }

  @Test
  void commandGroupWithoutASubcommand_namesEverySubcommandAndFails() {
    String err = stderrOf(() -> assertEquals(1, Main.run("certs")));
    assertTrue(err.contains("tandem certs: missing subcommand (init, request, sign, issue, revoke, crl, show, list)"), err);
    err = stderrOf(() -> assertEquals(1, Main.run("consent")));
    assertTrue(err.contains("missing subcommand (import, grant, revoke, erase)"), err);
  }

  private static String stderrOf(Runnable r) {
    java.io.ByteArrayOutputStream buffer = new java.io.ByteArrayOutputStream();
    java.io.PrintStream old = System.err;
    System.setErr(new java.io.PrintStream(buffer, true));
    try {
      r.run();
    } finally {
      System.setErr(old);
    }
    return buffer.toString();
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
  void privacyPlan_withAJobsTwoReleases_countsThemInEpsilon() {
    java.io.ByteArrayOutputStream buffer = new java.io.ByteArrayOutputStream();
    java.io.PrintStream old = System.out;
    System.setOut(new java.io.PrintStream(buffer, true));
    try {
      assertEquals(0, Main.run("privacy", "plan", "--sampling-rate", "0.01", "--noise-multiplier", "4", "--steps",
          "10000", "--delta", "1e-5", "--releases", "2", "--json"));
      assertEquals(0, Main.run("privacy", "plan", "--sampling-rate", "0.01", "--target-epsilon", "1.0355", "--steps",
          "10000", "--delta", "1e-5", "--releases", "2", "--json"));
    } finally {
      System.setOut(old);
    }
    String[] lines = buffer.toString().trim().split("\n");
    double withReleases = Double.parseDouble(lines[0].replaceAll(".*\"epsilon\":([0-9.]+).*", "$1"));
    assertTrue(withReleases > 1.04 && lines[0].contains("\"releases\":2"), lines[0]);
    double sigma = Double.parseDouble(lines[1].replaceAll(".*\"noiseMultiplier\":([0-9.]+).*", "$1"));
    assertTrue(sigma > 4.0, "the releases leave less for the training: " + lines[1]);
    assertEquals(2, Main.run("privacy", "plan", "--sampling-rate", "0.01", "--noise-multiplier", "4", "--steps", "1",
        "--delta", "1e-5", "--releases", "-1"), "negative releases are refused");
  }

  @Test
  void jobRun_missingJobFile_exitCode2WithOneLine() {
    assertEquals(2, Main.run("job", "run", "--config", dir.resolve("none.yaml").toString(),
        dir.resolve("job.yaml").toString()));
  }
}
