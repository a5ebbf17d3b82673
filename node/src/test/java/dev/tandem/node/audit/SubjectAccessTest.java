package dev.tandem.node.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.crypto.merkle.AbsenceProof;
import dev.tandem.crypto.merkle.PresenceProof;
import dev.tandem.node.audit.AuditVerification.Problem;
import dev.tandem.node.consent.ConsentState;
import dev.tandem.testkit.TestDatabases;
import java.io.StringReader;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A canary subject whose consent is revoked between rounds: in round k's Merkle set, provably
 * absent from round k + 1, and both facts verifiable offline from the export.
 */
@ParameterizedClass
@ValueSource(strings = {TestDatabases.H2, TestDatabases.POSTGRESQL})
class SubjectAccessTest {
  @Parameter String database;

  private static final String CANARY = "CUST-0042";

  @TempDir
  Path dir;

  private AuditFixture f;
  private SubjectAccess access;
  private Set<String> roundK;
  private Set<String> roundK1;

  @BeforeEach
  void twoRoundsWithARevocationBetween() throws Exception {
    f = new AuditFixture(dir, database);
    access = new SubjectAccess(f.log, f.pseudonyms, f.consent, f.clock);
    StringBuilder csv = new StringBuilder("subject_id,purpose,state,since,evidence,policy_version\n");
    for (int i = 0; i < 60; i++) {
      String id = String.format("CUST-%04d", i);
      csv.append(id).append(",churn,").append(i % 4 == 3 ? "revoked" : "granted")
          .append(",2025-05-01,crm:form/").append(i).append(",v2\n");
    }
    f.consent.importCsv(new StringReader(csv.toString()));
    f.log.jobAccepted("job-7", "churn");

    f.clock.advance(Duration.ofMinutes(1));
    roundK = round(1);
    f.clock.advance(Duration.ofMinutes(1));
    f.consent.revoke(CANARY, "churn", "crm:call/9", "v2");
    f.clock.advance(Duration.ofMinutes(1));
    roundK1 = round(2);
  }

  @AfterEach
  void close() {
    f.close();
  }

  private Set<String> round(int round) throws Exception {
    Instant start = f.clock.instant();
    Set<String> selected = f.consent.consentedSubjects("churn", start);
    f.log.roundContributed(new RoundContribution("churn", "job-7", round, "job-7/v" + round, start, selected.size(),
        RoundContribution.subjectSet(f.pseudonyms, selected), 1.5,
        MessageDigest.getInstance("SHA-256").digest(("update " + round).getBytes())));
    f.log.countersignHead(f.countersigner);
    return selected;
  }

  @Test
  void report_canaryRevokedBetweenRounds_includedThenProvablyAbsent() {
    assertTrue(roundK.contains(CANARY));
    assertFalse(roundK1.contains(CANARY));
    assertEquals(roundK.size() - 1, roundK1.size());

    SubjectAccessReport report = access.report(CANARY);
    assertEquals(f.pseudonyms.of(CANARY), report.pseudonym());
    assertEquals(2, report.rounds().size());
    SubjectAccessReport.RoundUse k = report.rounds().get(0);
    SubjectAccessReport.RoundUse k1 = report.rounds().get(1);
    assertTrue(k.used());
    assertTrue(k.proof() instanceof PresenceProof);
    assertEquals("job-7/v1", k.modelVersion());
    assertEquals(ConsentState.GRANTED, k.consent().state());
    assertEquals("crm:form/42", k.consent().evidence());
    assertFalse(k1.used());
    assertTrue(k1.proof() instanceof AbsenceProof);
    assertEquals(ConsentState.REVOKED, k1.consent().state());
    assertEquals("crm:call/9", k1.consent().evidence());
    assertFalse(k.usedWithoutConsent(false));
    assertFalse(k1.usedWithoutConsent(false));

    AuditVerification v = AuditVerifier.verifySubjectAccess(f.log.export().toJson(), report, f.ca());
    assertTrue(v.valid(), v.describe());
    assertEquals(2, v.proofsChecked());
  }

  @Test
  void report_subjectWithoutConsent_absentFromEveryRound() {
    SubjectAccessReport report = access.report("CUST-0003");
    assertEquals(List.of(false, false), report.rounds().stream().map(SubjectAccessReport.RoundUse::used).toList());
    assertEquals(ConsentState.REVOKED, report.rounds().get(0).consent().state());
    SubjectAccessReport stranger = access.report("never-heard-of");
    assertNull(stranger.rounds().get(0).consent());
    assertTrue(AuditVerifier.verifySubjectAccess(f.log.export().toJson(), stranger, f.ca()).valid());
  }

  @Test
  void report_throughFiles_verifiesOffline() {
    Path export = dir.resolve("audit.json");
    Path reportFile = dir.resolve("subject.json");
    SubjectAccessReport report = access.report(CANARY);
    f.log.export().write(export); // after the report: the export holds its anchor
    report.write(reportFile);
    assertEquals(report.toJson(), SubjectAccessReport.read(reportFile).toJson());
    AuditVerification v = AuditVerifier.verifySubjectAccess(export, reportFile, f.ca());
    assertTrue(v.valid(), v.describe());
  }

  @Test
  void verifySubjectAccess_proofsOfAnotherSubject_badProof() {
    SubjectAccessReport canary = access.report(CANARY);
    SubjectAccessReport other = access.report("CUST-0001");
    // claim the canary's proofs for another pseudonym
    SubjectAccessReport swapped = new SubjectAccessReport(canary.site(), other.pseudonym(), canary.generatedAt(),
        other.headSeq(), false, canary.rounds(), List.of(), other.anchorSeq());
    assertBadProof(swapped, canary.rounds().get(0).seq());
  }

  @Test
  void verifySubjectAccess_claimsNotUsedWhereItWas_badProof() {
    SubjectAccessReport canary = access.report(CANARY);
    SubjectAccessReport.RoundUse k = canary.rounds().get(0);
    SubjectAccessReport.RoundUse k1 = canary.rounds().get(1);
    // the absence proof of round k + 1 presented for round k
    SubjectAccessReport.RoundUse lie = new SubjectAccessReport.RoundUse(k.seq(), k.purpose(), k.jobId(), k.round(),
        k.modelVersion(), k.consentAt(), false, k.consent(), k1.proof());
    assertBadProof(new SubjectAccessReport(canary.site(), canary.pseudonym(), canary.generatedAt(), canary.headSeq(),
        false, List.of(lie, k1), List.of(), canary.anchorSeq()), k.seq());
  }

  @Test
  void verifySubjectAccess_roundOmittedOrMisstated_badProof() {
    SubjectAccessReport canary = access.report(CANARY);
    List<SubjectAccessReport.RoundUse> onlySecond = new ArrayList<>(canary.rounds().subList(1, 2));
    assertBadProof(new SubjectAccessReport(canary.site(), canary.pseudonym(), canary.generatedAt(), canary.headSeq(),
        false, onlySecond, List.of(), canary.anchorSeq()), canary.rounds().get(0).seq());
    SubjectAccessReport.RoundUse k = canary.rounds().get(0);
    SubjectAccessReport.RoundUse renamed = new SubjectAccessReport.RoundUse(k.seq(), "credit-risk", k.jobId(),
        k.round(), k.modelVersion(), k.consentAt(), k.used(), k.consent(), k.proof());
    assertBadProof(new SubjectAccessReport(canary.site(), canary.pseudonym(), canary.generatedAt(), canary.headSeq(),
        false, List.of(renamed, canary.rounds().get(1)), List.of(), canary.anchorSeq()), k.seq());
    assertThrows(IllegalArgumentException.class, () -> new SubjectAccessReport.RoundUse(k.seq(), k.purpose(),
        k.jobId(), k.round(), k.modelVersion(), k.consentAt(), false, k.consent(), k.proof()));
  }

  @Test
  void report_afterErasure_pastUseStillProvenConsentForgotten() {
    f.consent.erase(CANARY);
    f.log.countersignHead(f.countersigner);
    SubjectAccessReport report = access.report(CANARY);
    assertTrue(report.erased());
    assertTrue(report.rounds().get(0).used());
    assertNull(report.rounds().get(0).consent());
    assertFalse(report.rounds().get(0).usedWithoutConsent(report.erased()));
    AuditEntry erasure = f.log.entries().stream().filter(e -> e.type() == AuditEntryType.ERASURE).findFirst()
        .orElseThrow();
    assertFalse(erasure.payload().contains(CANARY));
    assertTrue(AuditVerifier.verifySubjectAccess(f.log.export().toJson(), report, f.ca()).valid());
  }

  @Test
  void report_scorings_usedThenAbsentAfterRevocation_andEveryMisstatementCaught() throws Exception {
    // a scoring before the revocation (replayed at its consent instant) and one after
    Instant before = roundKStart();
    AuditEntry used = f.log.subjectsScored(new SubjectsScored("churn", "job-7", "job-7/v2", SubjectsScored.PARTY,
        "bank", before, RoundContribution.subjectSet(f.pseudonyms, roundK), sha("score 1")));
    Instant after = f.clock.instant();
    AuditEntry absent = f.log.subjectsScored(new SubjectsScored("churn", "job-7", "job-7/v2",
        SubjectsScored.REQUESTER, AuditFixture.SITE, after,
        RoundContribution.subjectSet(f.pseudonyms, f.consent.consentedSubjects("churn", after)), sha("score 2")));
    f.log.countersignHead(f.countersigner); // as the scoring does once its answer has left

    SubjectAccessReport report = access.report(CANARY);
    assertEquals(2, report.rounds().size());
    assertEquals(List.of(used.seq(), absent.seq()), report.scorings().stream()
        .map(SubjectAccessReport.ScoringUse::seq).toList());
    SubjectAccessReport.ScoringUse s1 = report.scorings().get(0);
    SubjectAccessReport.ScoringUse s2 = report.scorings().get(1);
    assertTrue(s1.used());
    assertEquals(ConsentState.GRANTED, s1.consent().state());
    assertEquals("bank", s1.requester());
    assertFalse(s2.used());
    assertTrue(s2.proof() instanceof AbsenceProof);
    assertEquals(ConsentState.REVOKED, s2.consent().state());
    assertEquals(SubjectsScored.REQUESTER, s2.role());
    assertFalse(s1.usedWithoutConsent(false));
    AuditVerification v = AuditVerifier.verifySubjectAccess(f.log.export().toJson(), report, f.ca());
    assertTrue(v.valid(), v.describe());
    assertEquals(4, v.proofsChecked());
    assertEquals(report.toJson(), SubjectAccessReport.parse(report.toJson()).toJson());
    assertFalse(f.log.entries().get((int) used.seq() - 1).payload().contains(CANARY));

    // omitted, misstated, cited as a round, or with the scoring's proof swapped for an absence proof
    assertBadProof(withScorings(report, List.of(s2)), s1.seq());
    assertBadProof(withScorings(report, List.of(new SubjectAccessReport.ScoringUse(s1.seq(), s1.purpose(), s1.jobId(),
        s1.modelVersion(), SubjectsScored.REQUESTER, s1.requester(), s1.consentAt(), true, s1.consent(), s1.proof()),
        s2)), s1.seq());
    assertBadProof(withScorings(report, List.of(s1, new SubjectAccessReport.ScoringUse(s2.seq(), s2.purpose(),
        s2.jobId(), s2.modelVersion(), s2.role(), s2.requester(), s2.consentAt(), true, s2.consent(), s1.proof()))),
        s2.seq());
    List<SubjectAccessReport.RoundUse> asRound = new ArrayList<>(report.rounds());
    SubjectAccessReport.RoundUse k = report.rounds().get(0);
    asRound.add(new SubjectAccessReport.RoundUse(s1.seq(), k.purpose(), k.jobId(), k.round(), k.modelVersion(),
        k.consentAt(), true, k.consent(), s1.proof()));
    assertBadProof(new SubjectAccessReport(report.site(), report.pseudonym(), report.generatedAt(), report.headSeq(),
        false, asRound, List.of(s2), report.anchorSeq()), s1.seq());
  }

  @Test
  void verifySubjectAccess_reportEditedToAnEarlierHeadWithNoUse_badProof() {
    SubjectAccessReport report = access.report(CANARY);
    String export = f.log.export().toJson();
    assertTrue(AuditVerifier.verifySubjectAccess(export, report, f.ca()).valid());
    // the attack of issue #12: "headSeq: 2, rounds: []" (entries 1 and 2 hold no round)
    com.fasterxml.jackson.databind.node.ObjectNode edited = AuditFixture.parse(report.toJson());
    edited.put("headSeq", 2);
    edited.putArray("rounds");
    edited.putArray("scorings");
    AuditVerification v = AuditVerifier.verifySubjectAccess(export, SubjectAccessReport.parse(edited.toString()),
        f.ca());
    assertTrue(v.failure().isPresent(), "a report cut back to head 2 passed: " + v.describe());
    assertEquals(Problem.BAD_PROOF, v.failure().get().problem(), v.describe());
    // pointing its anchor elsewhere, or at nothing, does not help
    edited.put("anchorSeq", 2);
    assertEquals(Problem.BAD_PROOF, AuditVerifier.verifySubjectAccess(export,
        SubjectAccessReport.parse(edited.toString()), f.ca()).failure().orElseThrow().problem());
    edited.put("anchorSeq", 0);
    assertEquals(Problem.BAD_PROOF, AuditVerifier.verifySubjectAccess(export,
        SubjectAccessReport.parse(edited.toString()), f.ca()).failure().orElseThrow().problem());
  }

  @Test
  void report_isAnchoredInTheLog_andAnExportOlderThanTheReportCannotVerifyIt() {
    String older = f.log.export().toJson();
    SubjectAccessReport report = access.report(CANARY);
    AuditEntry anchor = f.log.entries().get((int) report.anchorSeq() - 1);
    assertEquals(AuditEntryType.SUBJECT_ACCESS_REPORTED, anchor.type());
    assertTrue(anchor.payload().contains(report.pseudonym()) && !anchor.payload().contains(CANARY));
    assertEquals(report.headSeq() + 1, report.anchorSeq());
    assertEquals(Problem.BAD_PROOF, AuditVerifier.verifySubjectAccess(older, report, f.ca()).failure().orElseThrow()
        .problem());
  }

  private Instant roundKStart() {
    return Instant.parse(AuditFixture.parse(f.log.entries().stream()
        .filter(e -> e.type() == AuditEntryType.ROUND_CONTRIBUTED).findFirst().orElseThrow().payload())
        .get("consentAt").asText());
  }

  private static byte[] sha(String text) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(text.getBytes());
  }

  private static SubjectAccessReport withScorings(SubjectAccessReport r, List<SubjectAccessReport.ScoringUse> s) {
    return new SubjectAccessReport(r.site(), r.pseudonym(), r.generatedAt(), r.headSeq(), r.erased(), r.rounds(), s,
        r.anchorSeq());
  }

  private void assertBadProof(SubjectAccessReport report, long seq) {
    AuditVerification v = AuditVerifier.verifySubjectAccess(f.log.export().toJson(), report, f.ca());
    assertTrue(v.failure().isPresent(), "a false report passed: " + v.describe());
    assertEquals(Problem.BAD_PROOF, v.failure().get().problem(), v.describe());
    assertEquals(seq, v.failure().get().seq(), v.describe());
  }
}
