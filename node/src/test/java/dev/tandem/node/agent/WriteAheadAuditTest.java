package dev.tandem.node.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.model.FeatureSpec;
import dev.tandem.model.JobSpec;
import dev.tandem.model.LabelSpec;
import dev.tandem.model.ModelSpec;
import dev.tandem.model.Normalization;
import dev.tandem.model.PrivacySpec;
import dev.tandem.node.audit.AuditEntry;
import dev.tandem.node.audit.AuditEntryType;
import dev.tandem.node.audit.AuditVerification;
import dev.tandem.node.audit.AuditVerifier;
import dev.tandem.node.audit.SubjectAccessReport;
import dev.tandem.node.config.NodeConfig;
import dev.tandem.node.consent.ConsentPolicy;
import dev.tandem.node.data.DataSourceConfig;
import dev.tandem.node.policy.SitePolicy;
import dev.tandem.node.privacy.PrivacyBudgets;
import com.google.protobuf.ByteString;
import dev.tandem.certs.CrlSource;
import dev.tandem.certs.FederationTrust;
import dev.tandem.certs.IssuedCertificate;
import dev.tandem.certs.Pem;
import dev.tandem.certs.Role;
import dev.tandem.crypto.secagg.EcdsaKeyAdvertisementSigner;
import dev.tandem.crypto.secagg.FixedPoint;
import dev.tandem.crypto.secagg.SealedShares;
import dev.tandem.crypto.secagg.SecAggConfig;
import dev.tandem.node.secagg.SecureRounds;
import dev.tandem.proto.v1.ModelUpdate;
import dev.tandem.proto.v1.SecAggMessage;
import dev.tandem.proto.v1.SecAggParams;
import dev.tandem.proto.v1.SecAggStage;
import dev.tandem.proto.v1.SecAggTask;
import java.security.SecureRandom;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Write-ahead audit (issue #12, item 2): a use of the node's records is audited before its answer
 * leaves, so a coordinator that reads an answer and refuses it still leaves a signed trace of the use,
 * followed by an {@code ANSWER_REFUSED} entry.
 */
class WriteAheadAuditTest {
  @TempDir Path dir;

  private static final JobSpec JOB = new JobSpec("job-1", "churn", ModelSpec.logisticRegression(0),
      List.of(FeatureSpec.numeric("f")), LabelSpec.positiveIf("y", "1"), List.of("a", "b"), 3, 1, 0.5, 4, 1, 7,
      PrivacySpec.none());

  private NodeHarness node() throws Exception {
    List<String> lines = new ArrayList<>(List.of("id,f,y"));
    for (int i = 1; i <= 20; i++) {
      lines.add("C-%02d,%s,%d".formatted(i, i / 10.0 - 1, i % 2));
    }
    Path f = dir.resolve("a.csv");
    Files.write(f, lines);
    DataSourceConfig source = DataSourceConfig.of(f, "id").withTestFraction(0);
    // plain updates, so that the update itself is what the coordinator reads
    SitePolicy plain = SitePolicy.defaults(5, Set.of(), Set.of(), 2048);
    NodeHarness node = new NodeHarness(dir, source, c -> new NodeConfig(c.site(), c.coordinator(), c.tls(), c.data(),
        c.databaseUrl(), c.maxMessageBytes(), PrivacyBudgets.defaults(), new ConsentPolicy(Set.of("churn"), Set.of(), 5))
        .withPolicy(new SitePolicy(plain.defaults().withSecureAggregation(false), Map.of())));
    // the harness clock starts at a fixed instant; the log is verified against certificates made now
    node.clock.advance(Duration.between(node.clock.instant(), java.time.Instant.now()));
    node.grant("churn", node.data.trainIds());
    node.clock.advance(Duration.ofMinutes(1));
    return node;
  }

  private static List<AuditEntryType> types(NodeHarness node) {
    return node.stores.audit().entries().stream().map(AuditEntry::type)
        .filter(t -> t != AuditEntryType.HEAD_COUNTERSIGNED && t != AuditEntryType.CONSENT_CHANGED).toList();
  }

  @Test
  void train_coordinatorReadsUpdateAndRefusesIt_roundStillAudited_refusalRecorded_subjectAccessListsIt()
      throws Exception {
    try (NodeHarness node = node()) {
      node.coordinator.refuse = m -> m instanceof ModelUpdate;
      node.handle(node.train(JOB, 1, Normalization.identity(1), new double[2]));
      ModelUpdate read = node.coordinator.last(ModelUpdate.class);

      assertEquals(List.of(AuditEntryType.JOB_ACCEPTED, AuditEntryType.ROUND_CONTRIBUTED,
          AuditEntryType.ANSWER_REFUSED), types(node));
      List<AuditEntry> entries = node.stores.audit().entries();
      AuditEntry refused = entries.stream().filter(e -> e.type() == AuditEntryType.ANSWER_REFUSED).findFirst()
          .orElseThrow();
      String sent = HexFormat.of().formatHex(Answers.sha256Bytes(read.toByteArray()));
      assertTrue(refused.payload().contains("\"sentSha256\":\"" + sent + "\""), refused.payload());
      assertTrue(refused.payload().contains("FAILED_PRECONDITION"), refused.payload());
      assertTrue(refused.payload().contains("\"round\":1"), refused.payload());
      AuditEntry round = entries.stream().filter(e -> e.type() == AuditEntryType.ROUND_CONTRIBUTED).findFirst()
          .orElseThrow();
      assertTrue(round.payload().contains(sent), "the round entry names the bytes the coordinator read");

      SubjectAccessReport report = node.stores.subjectAccess().report("C-03");
      assertEquals(1, report.rounds().size(), report.rounds().toString());
      assertTrue(report.rounds().get(0).used(), "the refused-but-sent round is a use of the record");

      String export = node.stores.audit().export().toJson();
      AuditVerification log = AuditVerifier.verify(export, node.stores.federationCa(),
          AuditVerifier.Options.strict().allowingUncountersigned());
      assertTrue(log.valid(), log.describe());
      AuditVerification access = AuditVerifier.verifySubjectAccess(export, report, node.stores.federationCa(),
          AuditVerifier.Options.strict().allowingUncountersigned());
      assertTrue(access.valid(), access.describe());
    }
  }

  @Test
  void secureRound_coordinatorReadsMaskedInputAndRefusesIt_roundStillAudited_refusalRecorded() throws Exception {
    JobSpec job = new JobSpec("job-s", "churn", ModelSpec.logisticRegression(0), List.of(FeatureSpec.numeric("f")),
        LabelSpec.positiveIf("y", "1"), List.of("a", "b", "c"), 3, 1, 0.5, 4, 1, 7, PrivacySpec.none());
    try (NodeHarness node = node()) {
      node.coordinator.refuse = m -> m instanceof SecAggMessage s && s.getStage() == SecAggStage.MASKED_INPUT;
      SecAggParams params = SecAggParams.newBuilder().setRoundId("job-s/r1").addAllParticipants(List.of("a", "b", "c"))
          .setThreshold(2).setFractionalBits(16).setClip(1 << 30).setVectorLength(4).build();
      node.handle(node.train(job, 1, Normalization.identity(1), new double[2]).toBuilder()
          .setTrain(node.train(job, 1, Normalization.identity(1), new double[2]).getTrain().toBuilder()
              .setSecagg(params)).build());
      byte[] advertA = node.coordinator.last(SecAggMessage.class).getPayload(0).toByteArray();
      SecAggConfig config = new SecAggConfig("job-s/r1", List.of("a", "b", "c"), 2, new FixedPoint(16, 1 << 30), 4);
      Map<String, IssuedCertificate> certs = Map.of("b", node.pki.node("b"), "c", node.pki.node("c"));
      Map<String, SecureRounds> others = new java.util.LinkedHashMap<>();
      for (String site : List.of("b", "c")) {
        others.put(site, new SecureRounds(site, new EcdsaKeyAdvertisementSigner(certs.get(site).privateKey()),
            FederationTrust.trustManager(node.pki.ca().certificate(), CrlSource.fixed(node.pki.ca().crl()), Role.NODE),
            node.pki.ca().certificate(), new SecureRandom()));
      }
      List<byte[]> adverts = List.of(advertA, others.get("b").begin("job-s", config, new double[] {1, 2, 3, 4}),
          others.get("c").begin("job-s", config, new double[] {1, 2, 3, 4}));
      List<byte[]> ders = List.of(Pem.readCertificate(node.config.tls().cert()).getEncoded(),
          certs.get("b").certificate().getEncoded(), certs.get("c").certificate().getEncoded());
      SecAggTask.Builder shareKeys = SecAggTask.newBuilder().setStage(SecAggStage.SHARE_KEYS);
      adverts.forEach(a -> shareKeys.addMessages(ByteString.copyFrom(a)));
      ders.forEach(d -> shareKeys.addCertificates(ByteString.copyFrom(d)));
      node.handle(node.secagg(job, 1, shareKeys.build()));
      assertEquals(SecAggStage.SHARE_KEYS, node.coordinator.last(SecAggMessage.class).getStage());
      SecAggTask.Builder masked = SecAggTask.newBuilder().setStage(SecAggStage.MASKED_INPUT);
      for (SecureRounds other : others.values()) {
        for (byte[] share : other.shareKeys("job-s", adverts, ders)) {
          if (SealedShares.fromBytes(share).recipient().equals("a")) {
            masked.addMessages(ByteString.copyFrom(share));
          }
        }
      }
      assertEquals(List.of(AuditEntryType.JOB_ACCEPTED), types(node), "nothing used yet: only keys left");
      node.handle(node.secagg(job, 1, masked.build()));
      SecAggMessage read = node.coordinator.last(SecAggMessage.class);
      assertEquals(SecAggStage.MASKED_INPUT, read.getStage());

      assertEquals(List.of(AuditEntryType.JOB_ACCEPTED, AuditEntryType.ROUND_CONTRIBUTED,
          AuditEntryType.ANSWER_REFUSED), types(node));
      String sent = HexFormat.of().formatHex(Answers.sha256Bytes(read.getPayload(0).toByteArray()));
      AuditEntry refused = node.stores.audit().entries().stream()
          .filter(e -> e.type() == AuditEntryType.ANSWER_REFUSED).findFirst().orElseThrow();
      assertTrue(refused.payload().contains(sent), refused.payload());
      SubjectAccessReport report = node.stores.subjectAccess().report("C-03");
      assertEquals(1, report.rounds().size(), report.rounds().toString());
      assertTrue(report.rounds().get(0).used(), "the refused-but-sent masked input is a use of the record");
    }
  }

  @Test
  void train_coordinatorAccepts_roundAudited_noRefusalEntry() throws Exception {
    try (NodeHarness node = node()) {
      node.handle(node.train(JOB, 1, Normalization.identity(1), new double[2]));
      node.coordinator.last(ModelUpdate.class);
      assertEquals(List.of(AuditEntryType.JOB_ACCEPTED, AuditEntryType.ROUND_CONTRIBUTED), types(node));
    }
  }
}
