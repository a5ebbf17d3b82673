package dev.tandem.node.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.certs.IssuedCertificate;
import dev.tandem.certs.Pem;
import dev.tandem.certs.testing.TestPki;
import dev.tandem.node.audit.AuditVerification.Problem;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tampering with an exported audit file: each change is detected and the first bad entry named.
 *
 * <p>The log: 1 consent import, 2 job accepted, 3 round 1, 4 countersigned head 3, 5 revocation,
 * 6 round 2, 7 countersigned head 6, 8 round 3, 9 countersigned head 8, 10 job accepted.
 */
class AuditTamperTest {
  @TempDir
  Path dir;

  private AuditFixture f;
  private String exported;

  @BeforeEach
  void buildLog() throws Exception {
    f = new AuditFixture(dir);
    f.consent.importCsv(new StringReader("subject_id,purpose,state,since\nalice,churn,granted,2025-01-01\n"
        + "bob,churn,granted,2025-01-01\ncarol,churn,granted,2025-01-01\n"));
    f.log.jobAccepted("job-1", "churn");
    round(1, List.of("alice", "bob", "carol"));
    f.log.countersignHead(f.countersigner);
    f.clock.advance(Duration.ofMinutes(1));
    f.consent.revoke("alice", "churn", "crm:call/1", "v1");
    round(2, List.of("bob", "carol"));
    f.log.countersignHead(f.countersigner);
    round(3, List.of("bob", "carol"));
    f.log.countersignHead(f.countersigner);
    f.log.jobAccepted("job-2", "churn");
    Path file = dir.resolve("audit.json");
    f.log.export().write(file);
    exported = Files.readString(file);
  }

  @AfterEach
  void close() {
    f.close();
  }

  private void round(int round, List<String> subjects) throws Exception {
    f.clock.advance(Duration.ofMinutes(1));
    f.log.roundContributed(new RoundContribution("churn", "job-1", round, "job-1/v" + round, f.clock.instant(),
        subjects.size(), RoundContribution.subjectSet(f.pseudonyms, subjects), null,
        MessageDigest.getInstance("SHA-256").digest(new byte[] {(byte) round})));
  }

  /** Tampering is judged with uncountersigned entries allowed: the fixture's log ends with one. */
  private AuditVerification verify(ObjectNode root) {
    return verify(root, AuditVerifier.Options.strict().allowingUncountersigned());
  }

  private AuditVerification verify(ObjectNode root, AuditVerifier.Options options) {
    return AuditVerifier.verify(AuditFixture.json(root), f.ca(), options);
  }

  private static void assertFirstBad(AuditVerification v, long seq, Problem problem) {
    assertTrue(v.failure().isPresent(), "tampering went unnoticed: " + v.describe());
    assertEquals(seq, v.failure().get().seq(), v.describe());
    assertEquals(problem, v.failure().get().problem(), v.describe());
  }

  private ObjectNode export() {
    return AuditFixture.parse(exported);
  }

  @Test
  void verify_untouchedExport_isValidAndCountersignedThroughTheLastHead() {
    AuditVerification v = AuditVerifier.verify(exported, f.ca(), AuditVerifier.Options.strict()
        .allowingUncountersigned());
    assertTrue(v.valid(), v.describe());
    assertEquals(10, v.entries());
    assertEquals(8, v.countersignedThrough());
    assertTrue(v.describe().contains("entries 9..10 are not yet countersigned"), v.describe());
  }

  @Test
  void verify_uncountersignedTail_refusedUnlessAllowed() {
    // entry 10 (job accepted) came after the last countersigned head (8): a cut of it would not show
    AuditVerification v = AuditVerifier.verify(exported, f.ca());
    assertFirstBad(v, 10, Problem.UNCOUNTERSIGNED);
    assertTrue(v.failure().get().reason().contains("--allow-uncountersigned"), v.describe());
    f.log.countersignHead(f.countersigner);
    assertTrue(AuditVerifier.verify(f.log.export().toJson(), f.ca()).valid(),
        "countersigned through its last use: valid by default");
  }

  @Test
  void verify_emptyLog_refusedUnlessAllowedAndCaughtByTheCoordinatorHead() {
    ObjectNode root = export();
    AuditFixture.entries(root).removeAll();
    ((ArrayNode) root.get("countersignatures")).removeAll();
    assertFirstBad(verify(root, AuditVerifier.Options.strict()), 0, Problem.UNCOUNTERSIGNED);
    assertTrue(verify(root).valid(), "allowed, an empty log alone shows nothing");
    assertFirstBad(verify(root, AuditVerifier.Options.strict().allowingUncountersigned()
        .withCoordinatorHead(coordinatorHead())), 1, Problem.TRUNCATED);
  }

  @Test
  void verify_logRewrittenWithTheNodeKeyAfterDroppingCountersignatures_caught() throws Exception {
    // the node drops every countersignature (entries and list) and re-signs the rest with its own key
    ObjectNode root = export();
    ArrayNode entries = AuditFixture.entries(root);
    for (int i = entries.size() - 1; i >= 0; i--) {
      if ("HEAD_COUNTERSIGNED".equals(entries.get(i).get("type").asText())) {
        entries.remove(i);
      }
    }
    ((ArrayNode) root.get("countersignatures")).removeAll();
    ((ObjectNode) entries.get(4)).put("payload", entries.get(4).get("payload").asText().replace("\"round\":2",
        "\"round\":7"));
    rechain(entries, 0);
    assertTrue(verify(root).valid(), "the rewritten chain is well formed: only a countersigned head shows it");
    assertFirstBad(verify(root, AuditVerifier.Options.strict()), 1, Problem.UNCOUNTERSIGNED);
    AuditVerification v = verify(root, AuditVerifier.Options.strict().withCoordinatorHead(coordinatorHead()));
    assertTrue(v.failure().isPresent(), v.describe());
    assertTrue(v.failure().get().problem() == Problem.CHANGED || v.failure().get().problem() == Problem.TRUNCATED,
        v.describe());
  }

  @Test
  void verify_lastEntryDroppedOrResignedAfterItsHeadWasCountersigned_caughtByTheCoordinatorHead() throws Exception {
    f.log.countersignHead(f.countersigner); // head 10 countersigned: the coordinator keeps seq 10
    CoordinatorHead head = coordinatorHead();
    assertEquals(10, head.seq());
    ObjectNode full = AuditFixture.parse(f.log.export().toJson());

    // dropped: entries 10 and 11 (its countersignature record) and the list's countersignature of 10
    ObjectNode dropped = full.deepCopy();
    ArrayNode entries = AuditFixture.entries(dropped);
    entries.remove(10);
    entries.remove(9);
    ArrayNode list = (ArrayNode) dropped.get("countersignatures");
    for (int i = list.size() - 1; i >= 0; i--) {
      if (list.get(i).get("seq").asLong() == 10) {
        list.remove(i);
      }
    }
    assertTrue(verify(dropped).valid(), "the file alone cannot show the cut");
    assertFirstBad(verify(dropped, AuditVerifier.Options.strict().allowingUncountersigned().withCoordinatorHead(head)),
        10, Problem.TRUNCATED);

    // re-signed: entry 10 changed and re-signed with the node's key, 11 and the list's 10 dropped
    ObjectNode resigned = full.deepCopy();
    ArrayNode e2 = AuditFixture.entries(resigned);
    e2.remove(10);
    ((ObjectNode) e2.get(9)).put("payload", e2.get(9).get("payload").asText().replace("job-2", "job-9"));
    rechain(e2, 9);
    ArrayNode list2 = (ArrayNode) resigned.get("countersignatures");
    for (int i = list2.size() - 1; i >= 0; i--) {
      if (list2.get(i).get("seq").asLong() == 10) {
        list2.remove(i);
      }
    }
    assertTrue(verify(resigned).valid(), "the file alone cannot show the re-signed entry");
    assertFirstBad(verify(resigned, AuditVerifier.Options.strict().allowingUncountersigned()
        .withCoordinatorHead(head)), 10, Problem.CHANGED);
  }

  @Test
  void verify_coordinatorHeadForgedOrOfAnotherSite_refused() {
    f.log.countersignHead(f.countersigner);
    CoordinatorHead head = coordinatorHead();
    CoordinatorHead forged = new CoordinatorHead(head.site(), head.seq() - 2, head.headHash(), head.countersignedAt(),
        head.issuedAt(), head.coordinatorCertificate(), head.signature());
    assertFirstBad(AuditVerifier.verify(f.log.export().toJson(), f.ca(),
        AuditVerifier.Options.strict().withCoordinatorHead(forged)), 0, Problem.BAD_COUNTERSIGNATURE);
    CoordinatorHead parsed = CoordinatorHead.parse(head.toJson());
    assertEquals(head, parsed);
    assertTrue(AuditVerifier.verify(f.log.export().toJson(), f.ca(),
        AuditVerifier.Options.strict().withCoordinatorHead(parsed)).valid());
  }

  /** The coordinator's signed record of the latest head its countersigner signed for the fixture's site. */
  private CoordinatorHead coordinatorHead() {
    List<HeadCountersignature> all = f.log.countersignatures();
    HeadCountersignature last = all.get(all.size() - 1);
    long issued = f.clock.instant().toEpochMilli();
    long at = issued - 1000;
    byte[] sig = dev.tandem.crypto.merkle.LatestHeadSignature.sign(f.coordinator.privateKey(), AuditFixture.SITE,
        last.seq(), last.headHash(), at, issued);
    return new CoordinatorHead(AuditFixture.SITE, last.seq(), last.headHash(), java.time.Instant.ofEpochMilli(at),
        java.time.Instant.ofEpochMilli(issued), f.coordinator.certificate(), sig);
  }

  /** Renumbers from {@code from}, re-chains and re-signs with the node's own key, as a dishonest node would. */
  private void rechain(ArrayNode entries, int from) {
    for (int i = from; i < entries.size(); i++) {
      ObjectNode e = (ObjectNode) entries.get(i);
      e.put("seq", i + 1);
      e.put("prevHash", i == 0 ? HexFormat.of().formatHex(new byte[32]) : entries.get(i - 1).get("hash").asText());
      byte[] hash = EntryCodec.entryHash(i + 1, e.get("time").asText(), e.get("type").asText(),
          e.get("payload").asText(), HexFormat.of().parseHex(e.get("prevHash").asText()));
      e.put("hash", HexFormat.of().formatHex(hash));
      e.put("signature", Base64.getEncoder().encodeToString(EntryCodec.sign(f.node.privateKey(), hash)));
    }
  }

  @Test
  void verify_byteFlippedInPayload_changedEntryNamed() {
    ObjectNode root = export();
    ObjectNode e = (ObjectNode) AuditFixture.entries(root).get(4);
    String payload = e.get("payload").asText();
    e.put("payload", payload.replace("revoked", "granted"));
    assertFirstBad(verify(root), 5, Problem.CHANGED);
  }

  @Test
  void verify_byteFlippedInHashOrPrevHash_changedEntryNamed() {
    ObjectNode root = export();
    ObjectNode e = (ObjectNode) AuditFixture.entries(root).get(2);
    e.put("hash", flipHex(e.get("hash").asText()));
    assertFirstBad(verify(root), 3, Problem.CHANGED);
    ObjectNode again = export();
    ObjectNode e2 = (ObjectNode) AuditFixture.entries(again).get(6);
    e2.put("prevHash", flipHex(e2.get("prevHash").asText()));
    assertFirstBad(verify(again), 7, Problem.CHANGED);
  }

  @Test
  void verify_byteFlippedInSignature_badSignatureNamed() {
    ObjectNode root = export();
    ObjectNode e = (ObjectNode) AuditFixture.entries(root).get(5);
    byte[] sig = Base64.getDecoder().decode(e.get("signature").asText());
    sig[sig.length - 5] ^= 0x01;
    e.put("signature", Base64.getEncoder().encodeToString(sig));
    assertFirstBad(verify(root), 6, Problem.BAD_SIGNATURE);
  }

  @Test
  void verify_entryDeleted_removedEntryNamed() {
    ObjectNode root = export();
    AuditFixture.entries(root).remove(4);
    AuditVerification v = verify(root);
    assertFirstBad(v, 5, Problem.REMOVED);
    assertTrue(v.failure().get().reason().contains("entry 6 follows entry 4"), v.describe());
  }

  @Test
  void verify_copyOfAnEntryInserted_insertedEntryNamed() {
    ObjectNode root = export();
    ArrayNode entries = AuditFixture.entries(root);
    entries.insert(5, entries.get(2).deepCopy());
    assertFirstBad(verify(root), 3, Problem.INSERTED);
  }

  @Test
  void verify_forgedEntryInsertedWithoutRenumbering_insertedEntryNamed() throws Exception {
    ObjectNode root = export();
    ArrayNode entries = AuditFixture.entries(root);
    ObjectNode forged = forgedEntry(entries.get(4), 6, "{\"job\":\"job-x\",\"purpose\":\"churn\"}");
    entries.insert(5, forged);
    assertFirstBad(verify(root), 6, Problem.INSERTED);
  }

  @Test
  void verify_forgedEntryInsertedAndLaterEntriesRenumberedAndRechained_badSignatureNamed() throws Exception {
    ObjectNode root = export();
    ArrayNode entries = AuditFixture.entries(root);
    entries.insert(5, forgedEntry(entries.get(4), 6, "{\"job\":\"job-x\",\"purpose\":\"churn\"}"));
    for (int i = 6; i < entries.size(); i++) {
      ObjectNode e = (ObjectNode) entries.get(i);
      e.put("seq", i + 1);
      e.put("prevHash", entries.get(i - 1).get("hash").asText());
      e.put("hash", HexFormat.of().formatHex(EntryCodec.entryHash(i + 1, e.get("time").asText(),
          e.get("type").asText(), e.get("payload").asText(), HexFormat.of().parseHex(e.get("prevHash").asText()))));
    }
    assertFirstBad(verify(root), 6, Problem.BAD_SIGNATURE);
  }

  @Test
  void verify_twoEntriesSwapped_reorderedEntryNamed() {
    ObjectNode root = export();
    ArrayNode entries = AuditFixture.entries(root);
    JsonNode fourth = entries.get(3);
    entries.set(3, entries.get(4));
    entries.set(4, fourth);
    AuditVerification v = verify(root);
    assertFirstBad(v, 4, Problem.REORDERED);
    assertTrue(v.failure().get().reason().contains("entry 4 appears after entry 5"), v.describe());
  }

  @Test
  void verify_tailCutBelowACountersignedHead_truncationNamed() {
    ObjectNode root = export();
    ArrayNode entries = AuditFixture.entries(root);
    while (entries.size() > 7) {
      entries.remove(entries.size() - 1);
    }
    AuditVerification v = verify(root);
    assertFirstBad(v, 8, Problem.TRUNCATED);
    assertTrue(v.failure().get().reason().contains("countersigned the head at entry 8"), v.describe());
  }

  @Test
  void verify_tailCutAfterTheLastCountersignedHead_validButReportedAsNotCountersigned() {
    ObjectNode root = export();
    ArrayNode entries = AuditFixture.entries(root);
    entries.remove(9);
    entries.remove(8);
    AuditVerification v = verify(root);
    // the file cannot show this cut; the verdict says how far the countersignatures reach
    assertTrue(v.valid(), v.describe());
    assertEquals(8, v.countersignedThrough());
    assertEquals(8, v.entries());
  }

  @Test
  void verify_tailAndCountersignaturesCut_earlierCountersignedHeadsStillCatchIt() {
    ObjectNode root = export();
    ArrayNode entries = AuditFixture.entries(root);
    while (entries.size() > 5) {
      entries.remove(entries.size() - 1);
    }
    ((ArrayNode) root.get("countersignatures")).removeAll();
    // entry 4 (HEAD_COUNTERSIGNED of 3) remains; entries 6.. are gone along with the list
    AuditVerification v = verify(root);
    assertTrue(v.valid(), v.describe());
    assertEquals(3, v.countersignedThrough());
    assertFirstBad(verify(root, AuditVerifier.Options.strict()), 5, Problem.UNCOUNTERSIGNED);
    assertFirstBad(verify(root, AuditVerifier.Options.strict().withCoordinatorHead(coordinatorHead())), 6,
        Problem.TRUNCATED);
  }

  @Test
  void verify_certificateFromAnotherCaWithEntriesResigned_untrustedCertificateAtEntryOne() {
    TestPki other = TestPki.create(Clock.fixed(AuditFixture.T0.minus(Duration.ofDays(1)), ZoneOffset.UTC));
    AuditVerification v = verify(resignedWith(other.node(AuditFixture.SITE)));
    assertFirstBad(v, 1, Problem.UNTRUSTED_CERTIFICATE);
    assertTrue(v.failure().get().reason().contains("not issued by the federation CA"), v.describe());
  }

  @Test
  void verify_certificateOfAnotherSiteOrRoleWithEntriesResigned_untrustedCertificateAtEntryOne() {
    AuditVerification otherSite = verify(resignedWith(f.pki.node("branch-south")));
    assertFirstBad(otherSite, 1, Problem.UNTRUSTED_CERTIFICATE);
    assertTrue(otherSite.failure().get().reason().contains("belongs to site 'branch-south'"), otherSite.describe());
    AuditVerification coordinator = verify(resignedWith(f.pki.coordinator(AuditFixture.SITE)));
    assertFirstBad(coordinator, 1, Problem.UNTRUSTED_CERTIFICATE);
  }

  @Test
  void verify_certificateReplacedWithoutResigning_untrustedCertificateAtEntryOne() {
    ObjectNode root = export();
    IssuedCertificate other = TestPki.create().node(AuditFixture.SITE);
    ObjectNode cert = (ObjectNode) root.get("nodeCertificates").get(0);
    cert.put("pem", Pem.encode(other.certificate()));
    cert.put("sha256", EntryCodec.fingerprint(other.certificate()));
    assertFirstBad(verify(root), 1, Problem.UNTRUSTED_CERTIFICATE);
  }

  @Test
  void verify_againstAnotherFederationCa_untrustedCertificateAtEntryOne() {
    AuditVerification v = AuditVerifier.verify(exported, TestPki.create().ca().certificate());
    assertFirstBad(v, 1, Problem.UNTRUSTED_CERTIFICATE);
  }

  @Test
  void verify_logRewrittenWithTheNodeKey_caughtByTheFirstCountersignedHeadAfterIt() throws Exception {
    // the node itself (holding its key) changes entry 5 and re-signs and re-chains everything after it
    ObjectNode root = export();
    ArrayNode entries = AuditFixture.entries(root);
    ObjectNode fifth = (ObjectNode) entries.get(4);
    fifth.put("payload", fifth.get("payload").asText().replace("revoked", "granted"));
    for (int i = 4; i < entries.size(); i++) {
      ObjectNode e = (ObjectNode) entries.get(i);
      e.put("prevHash", entries.get(i - 1).get("hash").asText());
      byte[] hash = EntryCodec.entryHash(i + 1, e.get("time").asText(), e.get("type").asText(),
          e.get("payload").asText(), HexFormat.of().parseHex(e.get("prevHash").asText()));
      e.put("hash", HexFormat.of().formatHex(hash));
      e.put("signature", Base64.getEncoder().encodeToString(EntryCodec.sign(f.node.privateKey(), hash)));
    }
    AuditVerification v = verify(root);
    assertFirstBad(v, 6, Problem.CHANGED);
    assertTrue(v.failure().get().reason().contains("countersigned"), v.describe());
  }

  @Test
  void verify_forgedCountersignature_badCountersignatureNamed() {
    ObjectNode root = export();
    ObjectNode cs = (ObjectNode) root.get("countersignatures").get(1);
    byte[] sig = Base64.getDecoder().decode(cs.get("signature").asText());
    sig[sig.length - 3] ^= 1;
    cs.put("signature", Base64.getEncoder().encodeToString(sig));
    assertFirstBad(verify(root), 6, Problem.BAD_COUNTERSIGNATURE);
  }

  @Test
  void verify_garbage_malformedFile() {
    assertFirstBad(AuditVerifier.verify("{not json", f.ca()), 0, Problem.MALFORMED);
    assertFirstBad(AuditVerifier.verify("{\"format\":\"something-else\",\"version\":1}", f.ca()), 0,
        Problem.MALFORMED);
    ObjectNode root = export();
    ((ObjectNode) AuditFixture.entries(root).get(2)).put("hash", "xyz");
    assertFirstBad(verify(root), 3, Problem.MALFORMED);
    ObjectNode noSeq = export();
    ((ObjectNode) AuditFixture.entries(noSeq).get(1)).put("seq", "two");
    assertFirstBad(verify(noSeq), 2, Problem.MALFORMED);
  }

  @Test
  void verify_logWithRoundsBeforeAndAfterTheDataVersion_valid_andAChangedDataVersionNamed() throws Exception {
    String version = "5e".repeat(32);
    f.clock.advance(Duration.ofMinutes(1));
    f.log.roundContributed(new RoundContribution("churn", "job-2", 1, "job-2/v1", f.clock.instant(), 2,
        RoundContribution.subjectSet(f.pseudonyms, List.of("bob", "carol")), null,
        MessageDigest.getInstance("SHA-256").digest(new byte[] {9}), version));
    ObjectNode root = AuditFixture.parse(f.log.export().toJson());
    ArrayNode entries = AuditFixture.entries(root);
    assertEquals(11, entries.size());
    assertFalse(entries.get(2).get("payload").asText().contains("dataVersion"), "an entry of the earlier format");
    assertTrue(entries.get(10).get("payload").asText().contains("\"dataVersion\":\"" + version + "\""));
    AuditVerification v = verify(root);
    assertTrue(v.valid(), "entries with and without dataVersion verify in one log: " + v.describe());

    ObjectNode e = (ObjectNode) entries.get(10);
    e.put("payload", e.get("payload").asText().replace(version, "00".repeat(32)));
    assertFirstBad(verify(root), 11, Problem.CHANGED);
  }

  private ObjectNode resignedWith(IssuedCertificate impostor) {
    ObjectNode root = export();
    String fingerprint = EntryCodec.fingerprint(impostor.certificate());
    ArrayNode certs = (ArrayNode) root.get("nodeCertificates");
    certs.removeAll();
    certs.addObject().put("sha256", fingerprint).put("pem", Pem.encode(impostor.certificate()));
    for (JsonNode n : AuditFixture.entries(root)) {
      ObjectNode e = (ObjectNode) n;
      byte[] hash = HexFormat.of().parseHex(e.get("hash").asText());
      e.put("signer", fingerprint);
      e.put("signature", Base64.getEncoder().encodeToString(EntryCodec.sign(impostor.privateKey(), hash)));
    }
    return root;
  }

  /** A well-formed entry chained onto {@code previous}, signed with a key that is not the node's. */
  private ObjectNode forgedEntry(JsonNode previous, long seq, String payload) {
    IssuedCertificate attacker = TestPki.create().node(AuditFixture.SITE);
    ObjectNode e = (ObjectNode) previous.deepCopy();
    e.put("seq", seq);
    e.put("type", "JOB_ACCEPTED");
    e.put("payload", payload);
    e.put("prevHash", previous.get("hash").asText());
    byte[] hash = EntryCodec.entryHash(seq, e.get("time").asText(), "JOB_ACCEPTED", payload,
        HexFormat.of().parseHex(previous.get("hash").asText()));
    e.put("hash", HexFormat.of().formatHex(hash));
    e.put("signature", Base64.getEncoder().encodeToString(EntryCodec.sign(attacker.privateKey(), hash)));
    return e;
  }

  private static String flipHex(String hex) {
    char c = hex.charAt(10);
    return hex.substring(0, 10) + (c == '0' ? '1' : '0') + hex.substring(11);
  }
}
