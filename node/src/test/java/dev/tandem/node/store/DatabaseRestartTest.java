package dev.tandem.node.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tandem.certs.testing.TestPki;
import dev.tandem.node.audit.AuditLog;
import dev.tandem.node.consent.ConsentRegistry;
import dev.tandem.node.consent.ConsentState;
import dev.tandem.node.consent.MutableClock;
import dev.tandem.node.consent.Pseudonyms;
import dev.tandem.node.privacy.PrivacyLedger;
import dev.tandem.node.training.DpSteps;
import dev.tandem.testkit.PostgresServer;
import dev.tandem.testkit.TestDatabases;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node's stores on PostgreSQL go on working after the database server restarted under them. */
class DatabaseRestartTest {
  private static final Instant T0 = Instant.parse("2025-06-02T08:00:00Z");
  private static final DpSteps ROUND = new DpSteps(128.0 / 5587, 1.0, 87, 1e-5);

  @TempDir Path dir;

  @Test
  void stores_serverRestartedBetweenTwoOperations_secondSucceeds() {
    String url = TestDatabases.url(TestDatabases.POSTGRESQL, dir, "node");
    TestPki pki = TestPki.create(Clock.fixed(T0.minus(Duration.ofDays(1)), ZoneOffset.UTC));
    MutableClock clock = new MutableClock(T0);
    try (AuditLog log = AuditLog.open(url, pki.node("branch-north"), pki.ca().certificate(), clock);
        PrivacyLedger ledger = PrivacyLedger.open(url, clock);
        ConsentRegistry consent = ConsentRegistry.open(url,
            Pseudonyms.open(dir.resolve("node.pseudonym-secret"), url), log.consentJournal(), clock)) {
      consent.grant("CUST-1", "churn", "crm:1", "v1");
      ledger.record("churn", "job-1", 1, ROUND);

      PostgresServer.shared().restart();
      clock.set(T0.plusSeconds(60));

      consent.revoke("CUST-1", "churn", "crm:2", "v1");
      ledger.record("churn", "job-1", 2, ROUND);
      assertEquals(ConsentState.REVOKED, consent.current("CUST-1", "churn").orElseThrow().state());
      assertEquals(2, ledger.spends("churn").size());
      assertEquals(2, log.entries().stream().filter(e -> e.type().name().equals("CONSENT_CHANGED")).count());
    }
  }
}
