package dev.tandem.node.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.certs.testing.TestPki;
import dev.tandem.model.FeatureSpec;
import dev.tandem.model.LabelSpec;
import dev.tandem.model.vertical.VerticalJobSpec;
import dev.tandem.model.vertical.VerticalParty;
import dev.tandem.model.vertical.VerticalTraining;
import dev.tandem.node.audit.AuditEntry;
import dev.tandem.node.audit.AuditEntryType;
import dev.tandem.node.audit.AuditVerification;
import dev.tandem.node.audit.AuditVerifier;
import dev.tandem.node.audit.SubjectAccessReport;
import dev.tandem.node.config.NodeConfig;
import dev.tandem.node.consent.ConsentPolicy;
import dev.tandem.node.data.DataSourceConfig;
import dev.tandem.node.data.DataVersion;
import dev.tandem.node.data.LocalData;
import dev.tandem.node.policy.PurposePolicy;
import dev.tandem.node.policy.SitePolicy;
import dev.tandem.node.store.NodeStores;
import dev.tandem.node.vertical.EpochUse;
import dev.tandem.node.vertical.VerticalConsent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The consent gate serves vertical jobs: the other parties are partners, every consented record counts. */
class ConsentGateVerticalTest {
  @TempDir Path dir;

  private static VerticalJobSpec job(String id, String purpose, String... hosts) {
    return new VerticalJobSpec(id, purpose, new VerticalParty("a", List.of(FeatureSpec.numeric("x"))),
        java.util.Arrays.stream(hosts).map(h -> new VerticalParty(h, List.of(FeatureSpec.numeric("x-" + h))))
            .toList(), LabelSpec.positiveIf("y", "1"), VerticalTraining.defaults(), "", 1);
  }

  private NodeStores stores() throws Exception {
    TestPki pki = TestPki.create();
    TestPki.SiteFiles f = pki.writeSite(dir.resolve("a"), pki.node("a"));
    Path csv = dir.resolve("a.csv");
    Files.writeString(csv, "id,x,y\ns1,1,1\ns2,2,0\ns3,3,1\ns4,4,0\ns5,5,1\ns6,6,0\n");
    NodeConfig config = new NodeConfig("a", "localhost:1", new NodeConfig.TlsFiles(f.cert(), f.key(), f.ca(), f.crl()),
        DataSourceConfig.of(csv, "id").withTestFraction(0.5), "jdbc:h2:file:" + dir.resolve("db"), 1 << 20);
    return NodeStores.open(config, Clock.systemUTC());
  }

  @Test
  void refusal_verticalJob_otherPartiesArePartnersAndTheFirstDecisionIsAudited() throws Exception {
    try (NodeStores s = stores()) {
      ConsentGate gate = new ConsentGate("a", new ConsentPolicy(Set.of("credit"), Set.of("b"), 3), s.consent(),
          s.pseudonyms(), s.audit());
      VerticalConsent vertical = gate.vertical((site, seq, head) -> {
        throw new IllegalStateException("no coordinator in this test");
      });
      assertTrue(vertical.refusal(job("v-1", "marketing", "b")).orElseThrow().contains("does not serve purpose"));
      assertTrue(vertical.refusal(job("v-2", "credit", "b", "rival")).orElseThrow()
          .contains("does not accept partner(s) [rival]"));
      assertTrue(vertical.refusal(job("v-3", "credit", "b")).isEmpty());
      assertTrue(vertical.refusal(job("v-3", "credit", "b")).isEmpty());
      assertEquals(List.of(AuditEntryType.JOB_REFUSED, AuditEntryType.JOB_REFUSED, AuditEntryType.JOB_ACCEPTED),
          s.audit().entries().stream().map(AuditEntry::type).toList());
    }
  }

  @Test
  void refusal_verticalJob_purposeColumnsAndKeyFloorOfTheSitePolicy_refusedNamingTheRule() throws Exception {
    try (NodeStores s = stores()) {
      PurposePolicy base = SitePolicy.defaults(3, Set.of(), Set.of(), 2048).defaults();
      PurposePolicy credit = new PurposePolicy(true, 5, 5, 3072, Set.of("x", "y"), Set.of(), base.dp());
      ConsentGate gate = new ConsentGate("a", new ConsentPolicy(Set.of("credit"), Set.of(), 3),
          new SitePolicy(base, java.util.Map.of("credit", credit)), s.consent(), s.pseudonyms(), s.audit());
      VerticalConsent vertical = gate.vertical((site, seq, head) -> {
        throw new IllegalStateException("no coordinator in this test");
      });
      VerticalJobSpec wide = new VerticalJobSpec("v-1", "credit", new VerticalParty("a",
          List.of(FeatureSpec.numeric("x"), FeatureSpec.numeric("income"))),
          List.of(new VerticalParty("b", List.of(FeatureSpec.numeric("z")))), LabelSpec.positiveIf("y", "1"),
          VerticalTraining.defaults(), "BITS_3072", 1);
      String column = vertical.refusal(wide).orElseThrow();
      assertTrue(column.contains("column 'income'") && column.contains("site policy rule 'columns'"), column);
      String key = vertical.refusal(job("v-2", "credit", "b")).orElseThrow();
      assertTrue(key.contains("2048 bits, fewer than the 3072") && key.contains("'minPaillierBits'"), key);
      VerticalJobSpec fine = new VerticalJobSpec("v-3", "credit", new VerticalParty("a",
          List.of(FeatureSpec.numeric("x"))), List.of(new VerticalParty("b", List.of(FeatureSpec.numeric("z")))),
          LabelSpec.positiveIf("y", "1"), VerticalTraining.defaults(), "BITS_3072", 1);
      assertTrue(vertical.refusal(fine).isEmpty(), "the host's columns are its own policy's business");
      assertTrue(vertical.cohortRefusal("credit", 4, "aligned records").orElseThrow().contains("no fewer than 5"),
          "the purpose's own training cohort is the vertical floor");
      assertTrue(vertical.cohortRefusal("other", 4, "aligned records").isEmpty(), "other purposes: the default 3");
    }
  }

  @Test
  void vertical_selectCohortAndContribution_useEveryConsentedRecordAndAuditTheAlignedOnes() throws Exception {
    try (NodeStores s = stores()) {
      for (String id : List.of("s1", "s2", "s4", "s6")) {
        s.consent().grant(id, "credit", "form 7", "v1");
      }
      ConsentGate gate = new ConsentGate("a", new ConsentPolicy(Set.of("credit"), Set.of(), 3), s.consent(),
          s.pseudonyms(), s.audit());
      VerticalConsent vertical = gate.vertical((site, seq, head) -> {
        throw new IllegalStateException("no coordinator in this test");
      });
      LocalData all = LocalData.load(DataSourceConfig.of(dir.resolve("a.csv"), "id").withTestFraction(0.5));
      assertTrue(all.testSize() > 0 && all.trainSize() > 0, "both splits hold records");
      LocalData chosen = vertical.select("credit", all, Clock.systemUTC().instant());
      assertEquals(4, chosen.trainSize() + chosen.testSize(), "consented records of both splits");

      assertTrue(vertical.cohortRefusal("credit", 3, "records in the intersection").isEmpty());
      assertEquals("site 'a' has 2 records in the intersection; it contributes from no fewer than 3",
          vertical.cohortRefusal("credit", 2, "records in the intersection").orElseThrow());

      int before = s.audit().entries().size();
      vertical.contributing(job("v-4", "credit", "b"), all.version(), new EpochUse(3, Clock.systemUTC().instant(),
          List.of("s1", "s4", "s6"), new byte[] {1, 2, 3}));
      List<AuditEntry> entries = s.audit().entries();
      assertEquals(before + 1, entries.size(), "the countersignature failed, the contribution is still audited");
      AuditEntry last = entries.get(entries.size() - 1);
      assertEquals(AuditEntryType.ROUND_CONTRIBUTED, last.type());
      assertTrue(last.payload().contains("\"modelVersion\":null"), "known only once stored: " + last.payload());
      assertTrue(last.payload().contains("\"records\":3"), last.payload());
      assertTrue(last.payload().contains("\"epsilon\":null"), last.payload());
      assertTrue(last.payload().contains("\"dataVersion\":\"" + all.version().sha256() + "\""), last.payload());
    }
  }

  @Test
  void vertical_contributionOverEpochs_oneEntryPerEpochAndSubjectAccessSaysWhichEpochsUsedTheSubject()
      throws Exception {
    try (NodeStores s = stores()) {
      for (String id : List.of("s1", "s2", "s4", "s6")) {
        s.consent().grant(id, "credit", "form 7", "v1");
      }
      ConsentGate gate = new ConsentGate("a", new ConsentPolicy(Set.of("credit"), Set.of(), 1), s.consent(),
          s.pseudonyms(), s.audit());
      VerticalConsent vertical = gate.vertical((site, seq, head) -> {
        throw new IllegalStateException("no coordinator in this test");
      });
      java.time.Instant epoch1 = Clock.systemUTC().instant();
      s.consent().revoke("s4", "credit", "subject request", "v1");
      java.time.Instant epoch2 = Clock.systemUTC().instant().plusMillis(1);
      // s4 revoked between the epochs: epoch 1 used it, epochs 2 and 3 did not
      DataVersion version = new DataVersion("ab".repeat(32));
      for (EpochUse e : List.of(new EpochUse(1, epoch1, List.of("s1", "s4", "s6"), new byte[] {1}),
          new EpochUse(2, epoch2, List.of("s1", "s6"), new byte[] {2}),
          new EpochUse(3, epoch2, List.of("s1", "s6"), new byte[] {3}))) {
        vertical.contributing(job("v-5", "credit", "b"), version, e);
      }
      vertical.using(job("v-5", "credit", "b"), 0, VerticalConsent.Use.TRAINING_SETUP, epoch1,
          List.of("s1", "s4", "s6"), version, new byte[] {0});
      vertical.using(job("v-5", "credit", "b"), 3, VerticalConsent.Use.EVALUATION, epoch2, List.of("s1", "s6"),
          version, new byte[] {4});
      List<AuditEntry> rounds = s.audit().entries().stream()
          .filter(e -> e.type() == AuditEntryType.ROUND_CONTRIBUTED).toList();
      assertEquals(3, rounds.size(), "one entry per epoch");
      for (int e = 0; e < 3; e++) {
        assertTrue(rounds.get(e).payload().contains("\"round\":" + (e + 1)), rounds.get(e).payload());
        assertTrue(rounds.get(e).payload().contains("\"modelVersion\":null"), rounds.get(e).payload());
        assertTrue(rounds.get(e).payload().contains("\"dataVersion\":\"" + "ab".repeat(32) + "\""),
            "every epoch's entry records the job's data version: " + rounds.get(e).payload());
      }
      assertTrue(rounds.get(0).payload().contains("\"records\":3"));
      assertTrue(rounds.get(1).payload().contains("\"records\":2"));

      SubjectAccessReport report = s.subjectAccess().report("s4");
      assertEquals(List.of(1, 2, 3), report.rounds().stream().map(SubjectAccessReport.RoundUse::round).toList());
      assertEquals(List.of(true, false, false), report.rounds().stream().map(SubjectAccessReport.RoundUse::used)
          .toList(), "used in epoch 1 only");
      assertEquals(dev.tandem.node.consent.ConsentState.GRANTED, report.rounds().get(0).consent().state());
      // the setup and the evaluation are uses too, each with the job's data version
      assertEquals(List.of("training-setup", "evaluation"), report.uses().stream()
          .map(SubjectAccessReport.DataUse::use).toList());
      assertEquals(List.of(true, false), report.uses().stream().map(SubjectAccessReport.DataUse::used).toList(),
          "the setup used s4, the evaluation after its revocation did not");
      assertTrue(s.audit().entries().stream().filter(e -> e.type() == AuditEntryType.RECORDS_USED)
          .allMatch(e -> e.payload().contains("\"dataVersion\":\"" + "ab".repeat(32) + "\"")));
      AuditVerification verified = AuditVerifier.verifySubjectAccess(s.audit().export().toJson(), report,
          s.federationCa(), AuditVerifier.Options.strict().allowingUncountersigned());
      assertTrue(verified.valid(), verified.describe());
      assertEquals(List.of(true, true, true), s.subjectAccess().report("s1").rounds().stream()
          .map(SubjectAccessReport.RoundUse::used).toList());

      // what an epoch's consent check reads: a revoked subject and an erased one are both gone
      s.consent().erase("s6");
      LocalData all = LocalData.load(DataSourceConfig.of(dir.resolve("a.csv"), "id").withTestFraction(0.5));
      LocalData now = vertical.select("credit", all, Clock.systemUTC().instant().plusMillis(1));
      java.util.Set<String> ids = new java.util.HashSet<>(now.trainIds());
      ids.addAll(now.testIds());
      assertEquals(Set.of("s1", "s2"), ids);
    }
  }
}
