package dev.tandem.node.audit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.certs.IssuedCertificate;
import dev.tandem.certs.testing.TestPki;
import dev.tandem.crypto.merkle.HeadSignature;
import dev.tandem.crypto.merkle.MerkleSet;
import dev.tandem.testkit.TestDatabases;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.Signature;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

@ParameterizedClass
@ValueSource(strings = {TestDatabases.H2, TestDatabases.POSTGRESQL})
class AuditLogTest {
  @Parameter String database;

  @TempDir
  Path dir;

  private AuditFixture f;

  @BeforeEach
  void open() {
    f = new AuditFixture(dir, database);
  }

  @AfterEach
  void close() {
    f.close();
  }

  /** The entry hash as AUDIT_FORMAT.md specifies it, written from the document. */
  static byte[] documentedHash(long seq, String time, String type, String payload, byte[] prev) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.write("tandem-audit-entry-v1".getBytes(StandardCharsets.US_ASCII));
    out.writeLong(seq);
    for (String s : new String[] {time, type, payload}) {
      byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
      out.writeInt(utf8.length);
      out.write(utf8);
    }
    out.write(prev);
    return MessageDigest.getInstance("SHA-256").digest(bytes.toByteArray());
  }

  @Test
  void append_entriesChainHashAndSignAsDocumented() throws Exception {
    f.log.jobAccepted("job-1", "churn");
    f.clock.advance(Duration.ofSeconds(1));
    f.log.jobRefused("job-2", null, "purpose health-risk is not served by this node");
    f.log.append(AuditEntryType.CONSENT_CHANGED, Map.of("z", 1, "a", List.of("x", "y"), "m", Map.of("b", 2, "a", 1)));

    List<AuditEntry> entries = f.log.entries();
    assertEquals(3, entries.size());
    byte[] prev = new byte[32];
    for (AuditEntry e : entries) {
      assertArrayEquals(prev, e.prevHash());
      assertArrayEquals(documentedHash(e.seq(), e.timeText(), e.type().name(), e.payload(), prev), e.hash());
      Signature v = Signature.getInstance("SHA256withECDSA");
      v.initVerify(f.node.certificate().getPublicKey());
      v.update(e.hash());
      assertTrue(v.verify(e.signature()), "entry " + e.seq());
      prev = e.hash();
    }
    assertEquals("{\"a\":[\"x\",\"y\"],\"m\":{\"a\":1,\"b\":2},\"z\":1}", entries.get(2).payload());
    assertEquals("{\"job\":\"job-1\",\"purpose\":\"churn\"}", entries.get(0).payload());
    assertEquals("2025-06-02T08:00:01.000Z", entries.get(1).timeText());
    assertEquals(entries.get(2).head(), f.log.head());
    assertEquals(AuditFixture.SITE, f.log.site());
  }

  @Test
  void entryHash_workedExampleOfTheFormatDocument_matches() throws Exception {
    String payload = "{\"job\":\"job-1\",\"purpose\":\"churn\"}";
    String expected = "b3e5d56d178ed77fdbbabd50b798570ba6b75fb605f436002423709ac0b2b4ce";
    assertEquals(expected, HexFormat.of().formatHex(
        documentedHash(1, "2025-06-02T08:00:00.000Z", "JOB_ACCEPTED", payload, new byte[32])));
    assertEquals(expected, HexFormat.of().formatHex(
        EntryCodec.entryHash(1, "2025-06-02T08:00:00.000Z", "JOB_ACCEPTED", payload, new byte[32])));
    AuditEntry first = f.log.jobAccepted("job-1", "churn");
    assertEquals(expected, HexFormat.of().formatHex(first.hash()));
  }

  @Test
  void head_emptyLog_isSeqZeroAndZeroHash() {
    assertEquals(new LogHead(0, new byte[32]), f.log.head());
    assertThrows(IllegalStateException.class, () -> f.log.countersignHead(f.countersigner));
  }

  @Test
  void append_reservedTypes_refused() {
    assertThrows(IllegalArgumentException.class, () -> f.log.append(AuditEntryType.ROUND_CONTRIBUTED, Map.of()));
    assertThrows(IllegalArgumentException.class, () -> f.log.append(AuditEntryType.HEAD_COUNTERSIGNED, Map.of()));
    assertThrows(IllegalArgumentException.class, () -> f.log.append(AuditEntryType.SUBJECTS_SCORED, Map.of()));
    assertThrows(IllegalArgumentException.class, () -> f.log.jobAccepted("job", "Bad Purpose"));
    assertEquals(0, f.log.entries().size());
  }

  @Test
  void append_clockGoesBack_timesNeverDecrease() {
    f.log.jobAccepted("a", "churn");
    f.clock.set(AuditFixture.T0.minusSeconds(3600));
    AuditEntry second = f.log.jobAccepted("b", "churn");
    assertEquals(AuditFixture.T0, second.time());
  }

  @Test
  void reopen_continuesTheChain() {
    f.log.jobAccepted("a", "churn");
    try (AuditLog reopened = AuditLog.open(f.url, f.node, f.ca(), f.clock)) {
      AuditEntry second = reopened.jobAccepted("b", "churn");
      assertEquals(2, second.seq());
      assertArrayEquals(f.log.entries().get(0).hash(), second.prevHash());
      AuditVerification v = AuditVerifier.verify(reopened.export().toJson(), f.ca(),
          AuditVerifier.Options.strict().allowingUncountersigned());
      assertTrue(v.valid(), v.describe());
    }
  }

  @Test
  void countersign_validCountersignature_recordedAsEntryAndKept() {
    f.log.jobAccepted("job-1", "churn");
    LogHead head = f.log.head();
    AuditEntry entry = f.log.countersignHead(f.countersigner);
    assertEquals(AuditEntryType.HEAD_COUNTERSIGNED, entry.type());
    assertEquals(2, entry.seq());
    JsonNode p = AuditFixture.parse(entry.payload());
    assertEquals(1, p.get("seq").asLong());
    assertEquals(head.hashHex(), p.get("headHash").asText());
    assertEquals("coordinator", p.get("coordinator").asText());
    List<HeadCountersignature> kept = f.log.countersignatures();
    assertEquals(1, kept.size());
    assertTrue(HeadSignature.verify(f.coordinator.certificate().getPublicKey(), AuditFixture.SITE, 1, head.hash(),
        kept.get(0).signature()));
  }

  @Test
  void countersign_invalid_refusedNamingTheReason() {
    f.log.jobAccepted("job-1", "churn");
    LogHead head = f.log.head();
    // signed by a node, not a coordinator
    IssuedCertificate otherNode = f.pki.node("branch-south");
    HeadCountersignature byNode = new HeadCountersignature(AuditFixture.SITE, 1, head.hash(),
        otherNode.certificate(), HeadSignature.sign(otherNode.privateKey(), AuditFixture.SITE, 1, head.hash()));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> f.log.countersign(byNode)).getMessage()
        .contains("not a coordinator certificate"));
    // a coordinator of another federation
    IssuedCertificate foreign = TestPki.create().coordinator("coordinator");
    HeadCountersignature byForeign = new KeyHeadCountersigner(foreign).countersign(AuditFixture.SITE, 1, head.hash());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> f.log.countersign(byForeign)).getMessage()
        .contains("not issued by the federation CA"));
    // another site's head, a wrong hash, a missing entry
    assertThrows(IllegalArgumentException.class,
        () -> f.log.countersign(f.countersigner.countersign("branch-south", 1, head.hash())));
    byte[] wrong = head.hash();
    wrong[0] ^= 1;
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> f.log.countersign(f.countersigner.countersign(AuditFixture.SITE, 1, wrong))).getMessage()
        .contains("not the hash"));
    assertThrows(IllegalArgumentException.class,
        () -> f.log.countersign(f.countersigner.countersign(AuditFixture.SITE, 5, head.hash())));
    // a forged signature
    HeadCountersignature good = f.countersigner.countersign(AuditFixture.SITE, 1, head.hash());
    byte[] sig = good.signature();
    sig[sig.length - 2] ^= 1;
    assertThrows(IllegalArgumentException.class, () -> f.log.countersign(new HeadCountersignature(AuditFixture.SITE,
        1, head.hash(), f.coordinator.certificate(), sig)));
    assertEquals(1, f.log.entries().size());
    assertEquals(List.of(), f.log.countersignatures());
  }

  @Test
  void open_certificateOfAnotherFederationOrRole_refused() {
    TestPki other = TestPki.create();
    assertThrows(IllegalArgumentException.class,
        () -> AuditLog.open(f.url, other.node(AuditFixture.SITE), f.ca(), Clock.systemUTC()));
    assertThrows(IllegalArgumentException.class,
        () -> AuditLog.open(f.url, f.coordinator, f.ca(), Clock.systemUTC()));
  }

  @Test
  void roundContributed_keepsTheSortedLeavesOncePerSet() throws Exception {
    MerkleSet set = RoundContribution.subjectSet(f.pseudonyms, List.of("alice", "bob", "carol"));
    byte[] sent = MessageDigest.getInstance("SHA-256").digest(new byte[] {1, 2, 3});
    AuditEntry e1 = f.log.roundContributed(new RoundContribution("churn", "job-1", 1, "job-1/v1",
        AuditFixture.T0, 3, set, 0.25, sent));
    AuditEntry e2 = f.log.roundContributed(new RoundContribution("churn", "job-1", 2, "job-1/v2",
        AuditFixture.T0.plusSeconds(60), 3, set, null, sent));
    JsonNode p = AuditFixture.parse(e1.payload());
    assertEquals(HexFormat.of().formatHex(set.root()), p.get("merkleRoot").asText());
    assertEquals(3, p.get("leafCount").asInt());
    assertEquals(0.25, p.get("epsilon").asDouble());
    assertTrue(AuditFixture.parse(e2.payload()).get("epsilon").isNull());
    assertEquals(HexFormat.of().formatHex(sent), p.get("sentSha256").asText());
    assertEquals("churn", p.get("purpose").asText());
    assertEquals("2025-06-02T08:00:00Z", p.get("consentAt").asText());
    assertArrayEquals(set.root(), f.log.subjectSet(e2.seq()).orElseThrow().root());
    assertTrue(f.log.subjectSet(99).isEmpty());
    try (Connection c = DriverManager.getConnection(f.url); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM audit_round_subjects")) {
      rs.next();
      assertEquals(1, rs.getInt(1));
    }
  }

  @Test
  void consentJournal_recordsChangesImportsAndErasuresByPseudonymOnly() {
    f.consent.grant("CUST-1", "churn", "crm:form/CUST-1", "v1");
    f.consent.importCsv(new StringReader("subject_id,purpose,state,since\nCUST-2,churn,granted,2025-01-01\n"));
    f.consent.erase("CUST-1");
    List<AuditEntry> entries = f.log.entries();
    assertEquals(List.of(AuditEntryType.CONSENT_CHANGED, AuditEntryType.CONSENT_CHANGED, AuditEntryType.ERASURE),
        entries.stream().map(AuditEntry::type).toList());
    JsonNode grant = AuditFixture.parse(entries.get(0).payload());
    assertEquals(f.pseudonyms.of("CUST-1"), grant.get("subject").asText());
    assertEquals("granted", grant.get("state").asText());
    JsonNode imported = AuditFixture.parse(entries.get(1).payload());
    assertEquals("import", imported.get("change").asText());
    assertEquals(1, imported.get("granted").asInt());
    JsonNode erasure = AuditFixture.parse(entries.get(2).payload());
    assertEquals(f.pseudonyms.of("CUST-1"), erasure.get("subject").asText());
    assertEquals(1, erasure.get("consentRowsDeleted").asInt());
    for (AuditEntry e : entries) {
      assertFalse(e.payload().contains("CUST-"), e.payload());
    }
  }

  @Test
  void append_twoWritersOnOneDatabase_oneUnbrokenChain() throws Exception {
    AuditLog second = AuditLog.open(f.url, f.node, f.ca(), f.clock);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (AuditLog writer : List.of(f.log, second)) {
        done.add(pool.submit(() -> {
          for (int i = 0; i < 100; i++) {
            writer.jobAccepted("job-" + i, "churn");
          }
        }));
      }
      for (Future<?> d : done) {
        d.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
      second.close();
    }
    AuditVerification v = AuditVerifier.verify(f.log.export().toJson(), f.ca(),
        AuditVerifier.Options.strict().allowingUncountersigned());
    assertTrue(v.valid(), v.describe());
    assertEquals(200, v.entries());
    assertEquals(Set.of(1L, 200L), Set.of(f.log.entries().get(0).seq(), f.log.head().seq()));
  }

  @Test
  void export_roundTripsThroughAFileAndVerifies() {
    f.log.jobAccepted("job-1", "churn");
    f.log.countersignHead(f.countersigner);
    Path file = dir.resolve("out/audit.json");
    f.log.export().write(file);
    AuditVerification v = AuditVerifier.verify(file, f.ca(), AuditVerifier.Options.strict().allowingUncountersigned());
    assertTrue(v.valid(), v.describe());
    assertEquals(2, v.entries());
    assertEquals(1, v.countersignedThrough());
    assertEquals(AuditFixture.SITE, v.site());
  }

  @Test
  void instants_keptToTheMillisecond() {
    f.clock.set(Instant.parse("2025-06-02T08:00:00.123456789Z"));
    AuditEntry e = f.log.jobAccepted("job-1", "churn");
    assertEquals("2025-06-02T08:00:00.123Z", e.timeText());
    assertEquals(e, f.log.entries().get(0));
  }
}
