package dev.tandem.node.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import dev.tandem.node.audit.RecordsUsed;
import dev.tandem.node.audit.RoundContribution;
import dev.tandem.node.consent.ConsentState;
import dev.tandem.model.aggregate.MetricsVector;
import dev.tandem.model.aggregate.MomentsVector;
import dev.tandem.proto.v1.EvaluationReport;
import dev.tandem.proto.v1.StatsReport;
import dev.tandem.proto.v1.Task;
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
    return node(20, 0);
  }

  /** A node of site a holding {@code records} records, {@code testFraction} of them held out, all consented. */
  private NodeHarness node(int records, double testFraction) throws Exception {
    List<String> lines = new ArrayList<>(List.of("id,f,y"));
    for (int i = 1; i <= records; i++) {
      lines.add("C-%02d,%s,%d".formatted(i, i / 10.0 - 1, i % 2));
    }
    Path f = dir.resolve("a.csv");
    Files.write(f, lines);
    DataSourceConfig source = DataSourceConfig.of(f, "id").withTestFraction(testFraction);
    // plain updates, so that the update itself is what the coordinator reads
    SitePolicy plain = SitePolicy.defaults(5, Set.of(), Set.of(), 2048);
    NodeHarness node = new NodeHarness(dir, source, c -> new NodeConfig(c.site(), c.coordinator(), c.tls(), c.data(),
        c.databaseUrl(), c.maxMessageBytes(), PrivacyBudgets.defaults(), new ConsentPolicy(Set.of("churn"), Set.of(), 5))
        .withPolicy(new SitePolicy(plain.defaults().withSecureAggregation(false), Map.of())));
    // the harness clock starts at a fixed instant; the log is verified against certificates made now
    node.clock.advance(Duration.between(node.clock.instant(), java.time.Instant.now()));
    node.grant("churn", node.data.trainIds());
    node.grant("churn", node.data.testIds());
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
      SecAggParams params = params(job, 4);
      node.handle(node.train(job, 1, Normalization.identity(1), new double[2]).toBuilder()
          .setTrain(node.train(job, 1, Normalization.identity(1), new double[2]).getTrain().toBuilder()
              .setSecagg(params)).build());
      SecAggMessage read = secureRound(node, job, 4, List.of(AuditEntryType.JOB_ACCEPTED));
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

  /** A job of sites a, b and c, for secure rounds. */
  private static final JobSpec SECURE = new JobSpec("job-s", "churn", ModelSpec.logisticRegression(0),
      List.of(FeatureSpec.numeric("f")), LabelSpec.positiveIf("y", "1"), List.of("a", "b", "c"), 3, 1, 0.5, 4, 1, 7,
      PrivacySpec.none());

  /**
   * Checks what the coordinator's refusal of an answer it read leaves: after the job's acceptance, the
   * {@code RECORDS_USED} entry of {@code use} naming the bytes read and every subject of {@code usedIds}
   * (and none else), then {@code ANSWER_REFUSED} naming the same bytes; a subject-access report lists the
   * use for a subject used and as not used for one that was not, and both verify against the export.
   */
  private static void assertUseAuditedThenRefused(NodeHarness node, String use, byte[] read, Set<String> usedIds,
      String unusedId) {
    assertEquals(List.of(AuditEntryType.JOB_ACCEPTED, AuditEntryType.RECORDS_USED, AuditEntryType.ANSWER_REFUSED),
        types(node));
    String sent = HexFormat.of().formatHex(Answers.sha256Bytes(read));
    List<AuditEntry> entries = node.stores.audit().entries();
    AuditEntry used = entries.stream().filter(e -> e.type() == AuditEntryType.RECORDS_USED).findFirst().orElseThrow();
    assertTrue(used.payload().contains("\"use\":\"" + use + "\""), used.payload());
    assertTrue(used.payload().contains("\"sentSha256\":\"" + sent + "\""), "names the bytes the coordinator read: "
        + used.payload());
    assertTrue(used.payload().contains("\"records\":" + usedIds.size() + ","), used.payload());
    assertTrue(used.payload().contains("\"dataVersion\":\"" + node.data.version().sha256() + "\""),
        "names the snapshot the records were read from: " + used.payload());
    assertArrayEquals(RoundContribution.subjectSet(node.stores.pseudonyms(), usedIds).root(),
        node.stores.audit().subjectSet(used.seq()).orElseThrow().root(), "the entry's subject set is the records used");
    AuditEntry refused = entries.stream().filter(e -> e.type() == AuditEntryType.ANSWER_REFUSED).findFirst()
        .orElseThrow();
    assertTrue(refused.seq() > used.seq());
    assertTrue(refused.payload().contains("\"sentSha256\":\"" + sent + "\""), refused.payload());
    assertTrue(refused.payload().contains("FAILED_PRECONDITION"), refused.payload());

    String usedId = usedIds.iterator().next();
    SubjectAccessReport report = node.stores.subjectAccess().report(usedId);
    assertEquals(1, report.uses().size(), report.uses().toString());
    SubjectAccessReport.DataUse u = report.uses().get(0);
    assertEquals(used.seq(), u.seq());
    assertEquals(use, u.use());
    assertTrue(u.used(), "the refused-but-sent " + use + " is a use of the record");
    assertEquals(ConsentState.GRANTED, u.consent().state());
    SubjectAccessReport other = node.stores.subjectAccess().report(unusedId);
    assertEquals(1, other.uses().size(), other.uses().toString());
    assertFalse(other.uses().get(0).used(), unusedId + " was not used for the " + use);

    String export = node.stores.audit().export().toJson();
    AuditVerifier.Options options = AuditVerifier.Options.strict().allowingUncountersigned();
    AuditVerification log = AuditVerifier.verify(export, node.stores.federationCa(), options);
    assertTrue(log.valid(), log.describe());
    for (SubjectAccessReport r : List.of(report, other)) {
      AuditVerification access = AuditVerifier.verifySubjectAccess(export, SubjectAccessReport.parse(r.toJson()),
          node.stores.federationCa(), options);
      assertTrue(access.valid(), access.describe());
    }
    // a report that leaves the use out does not verify
    SubjectAccessReport cut = new SubjectAccessReport(report.site(), report.pseudonym(), report.generatedAt(),
        report.headSeq(), report.erased(), report.rounds(), report.scorings(), List.of(), report.anchorSeq());
    AuditVerification omitted = AuditVerifier.verifySubjectAccess(export, cut, node.stores.federationCa(), options);
    assertFalse(omitted.valid(), "a report without the use must not verify");
    assertEquals(used.seq(), omitted.failure().orElseThrow().seq(), omitted.describe());
  }

  @Test
  void stats_coordinatorReadsReportAndRefusesIt_useAudited_refusalRecorded_subjectAccessListsIt() throws Exception {
    try (NodeHarness node = node(20, 0.3)) {
      node.coordinator.refuse = m -> m instanceof StatsReport;
      node.handle(node.stats(JOB, 0));
      StatsReport read = node.coordinator.last(StatsReport.class);
      assertUseAuditedThenRefused(node, RecordsUsed.STATISTICS, read.toByteArray(), node.data.trainIds(),
          node.data.testIds().iterator().next());
    }
  }

  @Test
  void evaluation_coordinatorReadsReportAndRefusesIt_useAudited_refusalRecorded_subjectAccessListsIt()
      throws Exception {
    try (NodeHarness node = node(40, 0.5)) {
      node.coordinator.refuse = m -> m instanceof EvaluationReport;
      node.handle(node.evaluate(JOB, 3, Normalization.identity(1), new double[] {0.5, -0.1}));
      EvaluationReport read = node.coordinator.last(EvaluationReport.class);
      assertEquals(node.data.testSize(), read.getSampleCount(), "evaluated on the held-out records");
      assertUseAuditedThenRefused(node, RecordsUsed.EVALUATION, read.toByteArray(), node.data.testIds(),
          node.data.trainIds().iterator().next());
    }
  }

  @Test
  void secureStats_coordinatorReadsMaskedInputAndRefusesIt_useAudited_refusalRecorded() throws Exception {
    try (NodeHarness node = node(20, 0.3)) {
      node.coordinator.refuse = m -> m instanceof SecAggMessage s && s.getStage() == SecAggStage.MASKED_INPUT;
      node.handle(node.stats(SECURE, 1, params(SECURE, MomentsVector.length(1))));
      SecAggMessage read = secureRound(node, SECURE, MomentsVector.length(1), List.of(AuditEntryType.JOB_ACCEPTED));
      assertUseAuditedThenRefused(node, RecordsUsed.STATISTICS, read.getPayload(0).toByteArray(),
          node.data.trainIds(), node.data.testIds().iterator().next());
    }
  }

  @Test
  void secureEvaluation_coordinatorReadsMaskedInputAndRefusesIt_useAudited_refusalRecorded() throws Exception {
    try (NodeHarness node = node(40, 0.5)) {
      node.coordinator.refuse = m -> m instanceof SecAggMessage s && s.getStage() == SecAggStage.MASKED_INPUT;
      int bins = 10;
      Task evaluate = node.evaluate(SECURE, 1, Normalization.identity(1), new double[] {0.5, -0.1});
      node.handle(evaluate.toBuilder().setEvaluate(evaluate.getEvaluate().toBuilder().setBins(bins)
          .setSecagg(params(SECURE, MetricsVector.length(bins)))).build());
      SecAggMessage read = secureRound(node, SECURE, MetricsVector.length(bins), List.of(AuditEntryType.JOB_ACCEPTED));
      assertUseAuditedThenRefused(node, RecordsUsed.EVALUATION, read.getPayload(0).toByteArray(),
          node.data.testIds(), node.data.trainIds().iterator().next());
    }
  }

  @Test
  void evaluation_sendFails_useAudited_failureRecordedAsSuch() throws Exception {
    try (NodeHarness node = node(40, 0.5)) {
      node.coordinator.refuse = m -> m instanceof EvaluationReport;
      node.coordinator.refusal = io.grpc.Status.UNAVAILABLE.withDescription("connection reset");
      node.handle(node.evaluate(JOB, 3, Normalization.identity(1), new double[] {0.5, -0.1}));
      EvaluationReport read = node.coordinator.last(EvaluationReport.class);
      assertEquals(List.of(AuditEntryType.JOB_ACCEPTED, AuditEntryType.RECORDS_USED, AuditEntryType.ANSWER_REFUSED),
          types(node));
      AuditEntry failed = node.stores.audit().entries().stream()
          .filter(e -> e.type() == AuditEntryType.ANSWER_REFUSED).findFirst().orElseThrow();
      assertTrue(failed.payload().contains("\"reason\":\"send failed: UNAVAILABLE connection reset\""),
          failed.payload());
      assertTrue(failed.payload().contains(HexFormat.of().formatHex(Answers.sha256Bytes(read.toByteArray()))));
    }
  }

  @Test
  void stats_coordinatorAccepts_useAudited_noRefusalEntry() throws Exception {
    try (NodeHarness node = node()) {
      node.handle(node.stats(JOB, 0));
      node.coordinator.last(StatsReport.class);
      assertEquals(List.of(AuditEntryType.JOB_ACCEPTED, AuditEntryType.RECORDS_USED), types(node));
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

  private static SecAggParams params(JobSpec job, int length) {
    return SecAggParams.newBuilder().setRoundId(job.jobId() + "/r1").addAllParticipants(List.of("a", "b", "c"))
        .setThreshold(2).setFractionalBits(16).setClip(1 << 30).setVectorLength(length).build();
  }

  /**
   * Plays the rest of a secure round of {@code job} (round 1, sites a, b and c) whose opening task the node
   * has just handled: sites b and c advertise and share keys, and the node is asked for its masked input;
   * returns the masked input the coordinator read. {@code before} is the log (as {@link #types}) before
   * the masked input: nothing is used while only keys leave.
   */
  private static SecAggMessage secureRound(NodeHarness node, JobSpec job, int length, List<AuditEntryType> before)
      throws Exception {
    byte[] advertA = node.coordinator.last(SecAggMessage.class).getPayload(0).toByteArray();
    SecAggConfig config = new SecAggConfig(job.jobId() + "/r1", List.of("a", "b", "c"), 2,
        new FixedPoint(16, 1 << 30), length);
    Map<String, IssuedCertificate> certs = Map.of("b", node.pki.node("b"), "c", node.pki.node("c"));
    Map<String, SecureRounds> others = new java.util.LinkedHashMap<>();
    for (String site : List.of("b", "c")) {
      others.put(site, new SecureRounds(site, new EcdsaKeyAdvertisementSigner(certs.get(site).privateKey()),
          FederationTrust.trustManager(node.pki.ca().certificate(), CrlSource.fixed(node.pki.ca().crl()), Role.NODE),
          node.pki.ca().certificate(), new SecureRandom()));
    }
    List<byte[]> adverts = List.of(advertA, others.get("b").begin(job.jobId(), config, new double[length]),
        others.get("c").begin(job.jobId(), config, new double[length]));
    List<byte[]> ders = List.of(Pem.readCertificate(node.config.tls().cert()).getEncoded(),
        certs.get("b").certificate().getEncoded(), certs.get("c").certificate().getEncoded());
    SecAggTask.Builder shareKeys = SecAggTask.newBuilder().setStage(SecAggStage.SHARE_KEYS);
    adverts.forEach(a -> shareKeys.addMessages(ByteString.copyFrom(a)));
    ders.forEach(d -> shareKeys.addCertificates(ByteString.copyFrom(d)));
    node.handle(node.secagg(job, 1, shareKeys.build()));
    assertEquals(SecAggStage.SHARE_KEYS, node.coordinator.last(SecAggMessage.class).getStage());
    SecAggTask.Builder masked = SecAggTask.newBuilder().setStage(SecAggStage.MASKED_INPUT);
    for (SecureRounds other : others.values()) {
      for (byte[] share : other.shareKeys(job.jobId(), adverts, ders)) {
        if (SealedShares.fromBytes(share).recipient().equals("a")) {
          masked.addMessages(ByteString.copyFrom(share));
        }
      }
    }
    assertEquals(before, types(node), "nothing used yet: only keys left");
    node.handle(node.secagg(job, 1, masked.build()));
    SecAggMessage read = node.coordinator.last(SecAggMessage.class);
    assertEquals(SecAggStage.MASKED_INPUT, read.getStage());
    return read;
  }
}
