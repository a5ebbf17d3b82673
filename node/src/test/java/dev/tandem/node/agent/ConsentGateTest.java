package dev.tandem.node.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.certs.testing.TestPki;
import dev.tandem.model.JobSpec;
import dev.tandem.model.ModelSpec;
import dev.tandem.model.PrivacySpec;
import dev.tandem.node.audit.AuditEntry;
import dev.tandem.node.audit.AuditEntryType;
import dev.tandem.node.config.NodeConfig;
import dev.tandem.node.consent.ConsentPolicy;
import dev.tandem.node.data.DataSourceConfig;
import dev.tandem.node.store.NodeStores;
import dev.tandem.node.training.Datasets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsentGateTest {
  @TempDir Path dir;

  private JobSpec job(String purpose, List<String> sites) {
    return new JobSpec("job-1", purpose, ModelSpec.logisticRegression(0), Datasets.churnFeatures(),
        Datasets.churnLabel(), sites, 1, 1, 0.1, 32, 1, 1);
  }

  private NodeStores stores() {
    TestPki pki = TestPki.create();
    TestPki.SiteFiles f = pki.writeSite(dir.resolve("a"), pki.node("a"));
    NodeConfig config = new NodeConfig("a", "localhost:1", new NodeConfig.TlsFiles(f.cert(), f.key(), f.ca(), f.crl()),
        DataSourceConfig.of(Datasets.churnCsv(), Datasets.CHURN_ID), "jdbc:h2:file:" + dir.resolve("db"), 1 << 20);
    return NodeStores.open(config, Clock.systemUTC());
  }

  @Test
  void refusal_unservedPurposeOrUnacceptedPartner_refusedOnceAndAudited_otherwiseAcceptedOnce() {
    try (NodeStores s = stores()) {
      ConsentGate gate = new ConsentGate("a", new ConsentPolicy(Set.of("churn"), Set.of("b"), 10), s.consent(),
          s.pseudonyms(), s.audit());
      String purpose = gate.refusal(job("marketing", List.of("a", "b"))).orElseThrow();
      assertTrue(purpose.contains("does not serve purpose 'marketing'"), purpose);
      String partner = gate.refusal(new JobSpec("job-2", "churn", ModelSpec.logisticRegression(0),
          Datasets.churnFeatures(), Datasets.churnLabel(), List.of("a", "b", "rival"), 1, 1, 0.1, 32, 1, 1))
          .orElseThrow();
      assertTrue(partner.contains("does not accept partner(s) [rival]"), partner);
      JobSpec fine = new JobSpec("job-3", "churn", ModelSpec.logisticRegression(0), Datasets.churnFeatures(),
          Datasets.churnLabel(), List.of("a", "b"), 1, 1, 0.1, 32, 2, 1, PrivacySpec.secure());
      assertTrue(gate.refusal(fine).isEmpty());
      assertTrue(gate.refusal(fine).isEmpty(), "asked again: still accepted, not audited twice");
      List<AuditEntryType> types = s.audit().entries().stream().map(AuditEntry::type).toList();
      assertEquals(List.of(AuditEntryType.JOB_REFUSED, AuditEntryType.JOB_REFUSED, AuditEntryType.JOB_ACCEPTED), types);
      assertEquals(3, gate.jobsSeen());
    }
  }
}
