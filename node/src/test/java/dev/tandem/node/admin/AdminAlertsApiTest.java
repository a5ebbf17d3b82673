package dev.tandem.node.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.node.audit.AuditEntry;
import dev.tandem.node.audit.AuditEntryType;
import dev.tandem.node.audit.AuditVerification;
import dev.tandem.node.audit.AuditVerifier;
import dev.tandem.node.audit.KeyHeadCountersigner;
import dev.tandem.node.watch.WatchConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Leak detection on the admin API: an unusual bulk export raises a signed alert and blocks further
 * exports with 403 naming it; {@code GET /v1/alerts} lists it and {@code POST /v1/alerts/ID/clear}
 * lifts it (defaults: more than 10 exports in an hour).
 */
class AdminAlertsApiTest {
  @TempDir Path dir;

  private AdminFixture f;

  @BeforeEach
  void start() {
    f = new AdminFixture(dir);
  }

  @AfterEach
  void stop() {
    f.close();
  }

  @Test
  void export_unusualBulkExport_alertBlocksExportsUntilCleared() {
    f.post("/consent/grant", "{\"subject\": \"C-1\", \"purpose\": \"churn\"}").expect(200);
    long exports = WatchConfig.defaults().maxExports();
    for (int i = 0; i < exports; i++) {
      f.get("/audit/export").expect(200);
    }
    JsonObject refused = f.get("/subjects/C-1/access").expect(403);
    assertTrue(refused.getString("error").contains("leak alert 1 (BULK_EXPORT"), refused.encode());
    f.get("/audit/export").expect(403);
    // the operator still sees the node and its alerts
    f.get("/status").expect(200);
    JsonArray alerts = f.get("/v1/alerts").expect(200).getJsonArray("alerts");
    assertEquals(1, alerts.size(), alerts.encode());
    JsonObject alert = alerts.getJsonObject(0);
    assertEquals("@admin", alert.getString("partner"));
    assertEquals("BULK_EXPORT", alert.getString("rule"));
    assertTrue(alert.getBoolean("blocking") && alert.getBoolean("open"), alert.encode());

    // a signed entry of the log, which verifies
    AuditEntry entry = f.stores.audit().entries().get(alert.getInteger("auditSeq") - 1);
    assertEquals(AuditEntryType.LEAK_ALERT, entry.type());
    f.stores.audit().countersignHead(new KeyHeadCountersigner(f.pki.coordinator("coordinator")));
    AuditVerification v = AuditVerifier.verify(f.stores.audit().export().toJson(), f.pki.ca().certificate());
    assertTrue(v.valid(), v.describe());

    JsonObject cleared = f.post("/v1/alerts/1/clear", "").expect(200);
    assertFalse(cleared.getBoolean("open"));
    assertEquals("admin-api", cleared.getString("clearedBy"));
    f.post("/v1/alerts/1/clear", "").expect(409);
    f.post("/v1/alerts/7/clear", "").expect(404);
    f.post("/v1/alerts/x/clear", "").expect(400);
    assertEquals(0, f.get("/v1/alerts").expect(200).getJsonArray("alerts").size());
    assertEquals(1, f.get("/v1/alerts?all=true").expect(200).getJsonArray("alerts").size());
    f.get("/audit/export").expect(200);
    assertEquals(List.of(AuditEntryType.LEAK_ALERT_CLEARED), f.stores.audit().entries().stream()
        .map(AuditEntry::type).filter(t -> t == AuditEntryType.LEAK_ALERT_CLEARED).toList());
  }

  @Test
  void alerts_withoutToken_is401() {
    assertEquals(401, f.send(HttpRequest.newBuilder(f.uri("/v1/alerts")).GET(), null).status());
    assertEquals(401, f.send(HttpRequest.newBuilder(f.uri("/v1/alerts/1/clear"))
        .POST(HttpRequest.BodyPublishers.noBody()), null).status());
  }
}
