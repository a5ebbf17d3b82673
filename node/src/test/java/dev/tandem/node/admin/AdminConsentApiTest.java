package dev.tandem.node.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.node.audit.AuditEntryType;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One server for the class (starting one takes half a second); each test uses subjects of its own. */
class AdminConsentApiTest {
  @TempDir
  static Path dir;
  static AdminFixture f;

  @BeforeAll
  static void start() {
    f = new AdminFixture(dir.resolve("node"));
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  /** Three decisions: {@code p-1} granted churn, {@code p-2} revoked churn, {@code "p 3/x"} granted credit-risk. */
  static String csv(String p) {
    return """
        subject_id,purpose,state,since,evidence,policy_version
        %1$s-1,churn,granted,2024-03-01T10:00:00Z,form-1,v2
        %1$s-2,churn,revoked,2024-03-02,form-2,v2
        "%1$s 3/x",credit-risk,granted,2024-03-03T00:00:00Z,,
        """.formatted(p);
  }

  static long entries(AuditEntryType type) {
    return f.stores.audit().entries().stream().filter(e -> e.type() == type).count();
  }

  @Test
  void importCsv_validFile_recordsEveryRowAndSummarizes() {
    JsonObject summary = f.post("/consent/import", csv("imp")).expect(200);
    assertEquals(3, summary.getLong("rows"));
    assertEquals(2, summary.getLong("granted"));
    assertEquals(1, summary.getLong("revoked"));
    assertEquals(0, summary.getLong("skippedErased"));
    assertEquals(new JsonArray().add("churn").add("credit-risk"), summary.getJsonArray("purposes"));
    assertTrue(summary.getString("sha256").matches("[0-9a-f]{64}"));
    assertTrue(f.stores.consent().current("imp-1", "churn").orElseThrow().granted());
    assertFalse(f.stores.consent().current("imp-2", "churn").orElseThrow().granted());
    assertTrue(f.stores.consent().current("imp 3/x", "credit-risk").orElseThrow().granted());
  }

  @Test
  void importCsv_badRowAtLine3_is400NamingTheLineAndImportsNothing() {
    long head = f.stores.audit().head().seq();
    String bad = """
        subject_id,purpose,state,since
        bad-1,churn,granted,2024-03-01
        bad-2,churn,maybe,2024-03-01
        bad-3,churn,granted,2024-03-01
        """;
    AdminFixture.Response r = f.post("/consent/import", bad);
    JsonObject error = r.expect(400);
    assertTrue(error.getString("error").contains("line 3"), r.body());
    assertEquals(1, error.getLong("malformedLines"));
    assertEquals(3, error.getJsonArray("problems").getJsonObject(0).getLong("line"));
    assertTrue(error.getJsonArray("problems").getJsonObject(0).getString("message").contains("maybe"));
    assertTrue(f.stores.consent().history("bad-1").isEmpty());
    assertTrue(f.stores.consent().history("bad-3").isEmpty());
    assertEquals(head, f.stores.audit().head().seq(), "nothing audited either");
  }

  @Test
  void importCsv_badFileAfterAGoodOne_keepsOnlyTheGoodOne() {
    f.post("/consent/import", csv("two")).expect(200);
    String bad = csv("two").replace("two-2,churn,revoked", "two-2,Churn!,revoked")
        .replace("two-1,churn,granted,2024-03-01T10:00:00Z", "two-1,churn,revoked,2024-04-01T10:00:00Z");
    JsonObject error = f.post("/consent/import", bad).expect(400);
    assertTrue(error.getString("error").contains("line 3"), error.encode());
    assertEquals(1, f.stores.consent().history("two-1").size());
    assertTrue(f.stores.consent().current("two-1", "churn").orElseThrow().granted());
  }

  @Test
  void importCsv_emptyOrNotUtf8_is400() {
    assertTrue(f.post("/consent/import", "").expect(400).getString("error").contains("line 1"));
    byte[] latin1 = "subject_id,purpose,state,since\nJos\u00e9,churn,granted,2024-03-01\n"
        .getBytes(StandardCharsets.ISO_8859_1);
    assertTrue(f.post("/consent/import", latin1).expect(400).getString("error").contains("UTF-8"));
    assertTrue(f.stores.consent().history("Jos\u00e9").isEmpty());
  }

  @Test
  void importCsv_overTheLimit_is413AndImportsNothing() {
    try (AdminFixture small = new AdminFixture(dir.resolve("small"), new BodyLimits(1024, 100))) {
      JsonObject error = small.post("/consent/import", csv("big")).expect(413);
      assertTrue(error.getString("error").contains("100 bytes"), error.encode());
      assertTrue(small.stores.consent().history("big-1").isEmpty());
    }
  }

  @Test
  void grantThenRevoke_roundTrip_currentFollowsAndHistoryKeepsBoth() {
    long changes = entries(AuditEntryType.CONSENT_CHANGED);
    JsonObject granted = f.post("/consent/grant",
        "{\"subject\":\"gr-1\",\"purpose\":\"churn\",\"evidence\":\"web-form-9\",\"policyVersion\":\"v3\"}")
        .expect(200);
    assertEquals("granted", granted.getString("state"));
    assertEquals("gr-1", granted.getString("subject"));
    assertEquals("churn", granted.getString("purpose"));
    assertEquals("web-form-9", granted.getString("evidence"));
    assertEquals("v3", granted.getString("policyVersion"));
    Instant.parse(granted.getString("since"));
    assertTrue(f.stores.consent().current("gr-1", "churn").orElseThrow().granted());

    JsonObject shown = f.get("/consent/gr-1").expect(200);
    assertEquals(1, shown.getJsonArray("current").size());
    assertEquals("granted", shown.getJsonArray("current").getJsonObject(0).getString("state"));

    JsonObject revoked = f.post("/consent/revoke", "{\"subject\":\"gr-1\",\"purpose\":\"churn\"}").expect(200);
    assertEquals("revoked", revoked.getString("state"));
    assertFalse(f.stores.consent().current("gr-1", "churn").orElseThrow().granted());

    shown = f.get("/consent/gr-1").expect(200);
    assertEquals("gr-1", shown.getString("subject"));
    assertFalse(shown.getBoolean("erased"));
    JsonArray current = shown.getJsonArray("current");
    assertEquals(1, current.size());
    assertEquals("revoked", current.getJsonObject(0).getString("state"));
    JsonArray history = shown.getJsonArray("history");
    assertEquals(2, history.size());
    assertEquals("granted", history.getJsonObject(0).getString("state"));
    assertEquals("revoked", history.getJsonObject(1).getString("state"));
    assertEquals(changes + 2, entries(AuditEntryType.CONSENT_CHANGED), "both changes are audited");
  }

  @Test
  void show_subjectWithSlashAndSpace_isFoundByEncodedSegment() {
    f.post("/consent/import", csv("seg")).expect(200);
    JsonObject shown = f.get("/consent/" + AdminFixture.segment("seg 3/x")).expect(200);
    assertEquals("seg 3/x", shown.getString("subject"));
    assertEquals("credit-risk", shown.getJsonArray("current").getJsonObject(0).getString("purpose"));
  }

  @Test
  void grant_invalidPurpose_is400AndChangesNothing() {
    for (String purpose : new String[] {"Churn", "credit risk", "", "x".repeat(65)}) {
      JsonObject error = f.post("/consent/grant",
          new JsonObject().put("subject", "pur-1").put("purpose", purpose).encode()).expect(400);
      assertTrue(error.getString("error").contains("invalid purpose"), error.encode());
    }
    assertTrue(f.post("/consent/revoke", "{\"subject\":\"pur-1\",\"purpose\":7}").expect(400)
        .getString("error").contains("'purpose' must be a string"));
    assertTrue(f.stores.consent().history("pur-1").isEmpty());
  }

  @Test
  void grant_subjectWithLoneSurrogate_is400NotThePseudonymOfQuestionMark() {
    JsonObject error = f.post("/consent/grant", "{\"subject\":\"sur-\\ud800\",\"purpose\":\"churn\"}")
        .expect(400);
    assertTrue(error.getString("error").contains("lone surrogate"), error.encode());
    assertTrue(f.stores.consent().history("sur-?").isEmpty());
  }

  @Test
  void grant_malformedJson_is400WithMessage() {
    assertTrue(f.post("/consent/grant", "{\"subject\":").expect(400).getString("error").startsWith("the body is not"));
    assertTrue(f.post("/consent/grant", "[1]").expect(400).getString("error").contains("JSON object"));
    assertTrue(f.post("/consent/grant", "").expect(400).getString("error").contains("JSON object"));
    assertTrue(f.post("/consent/grant", "{\"subject\":\"js-1\"}").expect(400).getString("error")
        .contains("missing field 'purpose'"));
    assertTrue(f.post("/consent/grant", "{\"subject\":\"js-1\",\"purpose\":\"churn\",\"policy_version\":\"v1\"}")
        .expect(400).getString("error").contains("unknown field 'policy_version'"));
    assertTrue(f.post("/consent/grant", "{\"subject\":\" js-1\",\"purpose\":\"churn\"}").expect(400)
        .getString("error").contains("leading or trailing blank"));
    assertTrue(f.stores.consent().history("js-1").isEmpty());
  }

  @Test
  void grant_jsonOverTheLimit_is413() {
    String evidence = "e".repeat(70 * 1024);
    JsonObject error = f.post("/consent/grant", new JsonObject().put("subject", "lim-1").put("purpose", "churn")
        .put("evidence", evidence).encode()).expect(413);
    assertTrue(error.getString("error").contains(BodyLimits.DEFAULT.json() + " bytes"), error.encode());
    assertTrue(f.stores.consent().history("lim-1").isEmpty());
  }

  @Test
  void erase_knownSubject_forgetsItAndIsIdempotent() {
    f.post("/consent/import", csv("era")).expect(200);
    long erasures = entries(AuditEntryType.ERASURE);
    JsonObject erased = f.post("/consent/erase", "{\"subject\":\"era-1\"}").expect(200);
    assertTrue(erased.getBoolean("erased"));
    assertFalse(erased.getBoolean("alreadyErased"));
    assertEquals(f.stores.pseudonyms().of("era-1"), erased.getString("pseudonym"));
    assertTrue(f.stores.consent().isErased("era-1"));
    assertTrue(f.stores.consent().history("era-1").isEmpty());
    assertEquals(1, f.stores.consent().history("era-2").size(), "other subjects stay");

    assertTrue(f.post("/consent/erase", "{\"subject\":\"era-1\"}").expect(200).getBoolean("alreadyErased"));
    JsonObject shown = f.get("/consent/era-1").expect(200);
    assertTrue(shown.getBoolean("erased"));
    assertTrue(shown.getJsonArray("history").isEmpty());
    assertTrue(shown.getJsonArray("current").isEmpty());
    assertEquals(erasures + 1, entries(AuditEntryType.ERASURE));
  }

  @Test
  void grant_erasedSubject_is409AndChangesNothing() {
    f.post("/consent/import", csv("gone")).expect(200);
    f.post("/consent/erase", "{\"subject\":\"gone-2\"}").expect(200);
    JsonObject error = f.post("/consent/grant", "{\"subject\":\"gone-2\",\"purpose\":\"churn\"}").expect(409);
    assertTrue(error.getString("error").contains("erased"), error.encode());
    assertTrue(f.stores.consent().history("gone-2").isEmpty());
  }

  @Test
  void unknownSubject_lookupAndErase_are404AndChangeNothing() {
    long head = f.stores.audit().head().seq();
    assertTrue(f.get("/consent/nobody").expect(404).getString("error").contains("unknown subject"));
    assertTrue(f.post("/consent/erase", "{\"subject\":\"nobody\"}").expect(404).getString("error")
        .contains("unknown subject"));
    assertFalse(f.stores.consent().isErased("nobody"));
    assertEquals(head, f.stores.audit().head().seq());
  }

  @Test
  void routing_unknownPathOrMethod_isJson404Or405() {
    assertTrue(f.get("/nothing/here").expect(404).getString("error").contains("no such endpoint"));
    assertTrue(f.post("/status", "{}").expect(405).getString("error").contains("not allowed"));
    assertEquals(405, f.post("/consent/someone", "{}").status());
    assertEquals(405, f.post("/audit/export", "").status());
  }

  @Test
  void status_reportsNodeAndAuditHead() {
    f.post("/consent/grant", "{\"subject\":\"st-1\",\"purpose\":\"churn\"}").expect(200);
    f.jobsSeen.set(3);
    JsonObject status = f.get("/status").expect(200);
    assertEquals(AdminFixture.SITE, status.getString("site"));
    assertEquals("127.0.0.1:7443", status.getString("coordinator"));
    assertTrue(status.getBoolean("connected"));
    assertEquals(1234, status.getLong("trainingRecords"));
    assertEquals(3, status.getLong("jobsSeen"));
    assertEquals(f.stores.audit().head().seq(), status.getJsonObject("audit").getLong("headSeq"));
    assertEquals(f.stores.audit().head().hashHex(), status.getJsonObject("audit").getString("headHash"));
    assertEquals(Set.of("site", "coordinator", "connected", "trainingRecords", "jobsSeen", "policy", "audit"),
        status.fieldNames());
    JsonObject policy = status.getJsonObject("policy").getJsonObject("default");
    assertTrue(policy.getBoolean("requireSecureAggregation"), "the effective site policy: " + policy);
    assertEquals(policy.getInteger("minTrainingCohort"), policy.getInteger("minEvaluationCohort"));
  }

  @Test
  void status_supplierFails_is500WithoutDetails() {
    f.statusFailure = new IllegalStateException("secret detail");
    try {
      AdminFixture.Response r = f.get("/status");
      assertEquals("internal error; the node's log has the details", r.expect(500).getString("error"));
      assertFalse(r.body().contains("secret detail"));
    } finally {
      f.statusFailure = null;
    }
    assertEquals(200, f.get("/status").status());
  }
}
