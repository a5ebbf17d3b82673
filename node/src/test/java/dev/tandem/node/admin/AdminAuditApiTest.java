package dev.tandem.node.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.node.audit.AuditExport;
import dev.tandem.node.audit.AuditVerification;
import dev.tandem.node.audit.AuditVerifier;
import dev.tandem.node.audit.RoundContribution;
import dev.tandem.node.audit.SubjectAccessReport;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminAuditApiTest {
  @TempDir
  Path dir;
  AdminFixture f;

  @BeforeEach
  void start() {
    f = new AdminFixture(dir);
    f.post("/consent/import", """
        subject_id,purpose,state,since
        canary,churn,granted,2024-03-01
        other,churn,granted,2024-03-01
        """).expect(200);
  }

  @AfterEach
  void stop() {
    f.close();
  }

  /** Records a churn round over the subjects consented now, as the training loop does. */
  private void round(int round) throws Exception {
    var start = java.time.Instant.now();
    Set<String> selected = f.stores.consent().consentedSubjects("churn", start);
    f.stores.audit().roundContributed(new RoundContribution("churn", "job-1", round, "job-1/v" + round, start,
        selected.size(), RoundContribution.subjectSet(f.stores.pseudonyms(), selected), null,
        MessageDigest.getInstance("SHA-256").digest(("update " + round).getBytes(StandardCharsets.UTF_8))));
  }

  @Test
  void export_download_isAttachmentWithTheExportFormatAndVerifies() {
    AdminFixture.Response r = f.get("/audit/export");
    JsonObject export = r.expect(200);
    assertEquals("attachment; filename=\"" + AdminFixture.SITE + "-audit.json\"", r.contentDisposition());
    assertEquals(AuditExport.FORMAT, export.getString("format"));
    assertEquals(AuditExport.VERSION, export.getInteger("version"));
    assertEquals(AdminFixture.SITE, export.getString("site"));
    assertEquals(f.stores.audit().head().seq(), export.getJsonArray("entries").size());
    AuditVerification verdict = AuditVerifier.verify(r.body(), f.stores.federationCa(),
        AuditVerifier.Options.strict().allowingUncountersigned()); // no coordinator in this test
    assertTrue(verdict.valid(), verdict.describe());
  }

  @Test
  void subjectAccess_canaryRevokedBetweenRounds_usedThenProvablyAbsent() throws Exception {
    round(0);
    f.post("/consent/revoke", "{\"subject\":\"canary\",\"purpose\":\"churn\"}").expect(200);
    round(1);

    AdminFixture.Response r = f.get("/subjects/canary/access");
    JsonObject json = r.expect(200);
    assertEquals(SubjectAccessReport.FORMAT, json.getString("format"));
    assertEquals(f.stores.pseudonyms().of("canary"), json.getString("pseudonym"));
    assertFalse(r.body().contains("\"canary\""), "the report names the subject by pseudonym only");
    JsonArray rounds = json.getJsonArray("rounds");
    assertEquals(2, rounds.size());
    assertTrue(rounds.getJsonObject(0).getBoolean("used"));
    assertFalse(rounds.getJsonObject(1).getBoolean("used"));
    assertEquals("revoked", rounds.getJsonObject(1).getJsonObject("consent").getString("state"));

    SubjectAccessReport report = SubjectAccessReport.parse(r.body());
    String export = f.get("/audit/export").body();
    AuditVerification verdict = AuditVerifier.verifySubjectAccess(export, report, f.stores.federationCa(),
        AuditVerifier.Options.strict().allowingUncountersigned());
    assertTrue(verdict.valid(), verdict.describe());
    assertEquals(2, verdict.proofsChecked());
  }

  @Test
  void subjectAccess_erasedSubject_stillAnswersAsErased() throws Exception {
    round(0);
    f.post("/consent/erase", "{\"subject\":\"canary\"}").expect(200);
    JsonObject json = f.get("/subjects/canary/access").expect(200);
    assertTrue(json.getBoolean("erased"));
    assertTrue(json.getJsonArray("rounds").getJsonObject(0).getBoolean("used"));
  }

  @Test
  void subjectAccess_unknownOrInvalidSubject_is404Or400() {
    assertTrue(f.get("/subjects/nobody/access").expect(404).getString("error").contains("unknown subject"));
    assertEquals(400, f.get("/subjects/" + AdminFixture.segment(" padded") + "/access").status());
  }
}
