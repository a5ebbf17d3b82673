package dev.tandem.node.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.node.consent.ConsentChange;
import dev.tandem.node.consent.ConsentImport;
import dev.tandem.node.consent.ConsentJournal;
import dev.tandem.node.consent.ConsentRegistry;
import dev.tandem.node.consent.ConsentState;
import java.io.StringReader;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A consent change and its audit entry commit in one transaction (issue #12, item 2): a failure between
 * them, of the audit append or of the consent commit after the entry was written, leaves neither.
 */
class ConsentAuditTransactionTest {
  @TempDir Path dir;
  AuditFixture f;

  @BeforeEach
  void open() {
    f = new AuditFixture(dir);
    f.consent.grant("alice", "churn", "crm:form/1", "v1");
    f.clock.advance(Duration.ofMinutes(1));
  }

  @AfterEach
  void close() {
    f.close();
  }

  /**
   * The audit log's journal, whose registry's connection is lost (the node crashed) right after the
   * entry was written and before the change was committed.
   */
  private ConsentJournal crashingAfterTheEntry() {
    ConsentJournal real = f.log.consentJournal();
    return new ConsentJournal() {
      @Override
      public void changed(Connection tx, ConsentChange change) {
        real.changed(tx, change);
        crash(tx);
      }

      @Override
      public void imported(Connection tx, ConsentImport summary) {
        real.imported(tx, summary);
        crash(tx);
      }

      @Override
      public void erased(Connection tx, String pseudonym, Instant at, long rows) {
        real.erased(tx, pseudonym, at, rows);
        crash(tx);
      }
    };
  }

  private static void crash(Connection tx) {
    try {
      tx.close();
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
  }

  /** Runs {@code change} on a registry whose commit never happens; checks that neither the change nor an entry shows. */
  private void assertNeitherVisible(Consumer<ConsentRegistry> change) {
    List<AuditEntry> before = f.log.entries();
    List<?> history = f.consent.history("alice");
    try (ConsentRegistry crashing = ConsentRegistry.open(f.url, f.pseudonyms, crashingAfterTheEntry(), f.clock)) {
      assertThrows(IllegalStateException.class, () -> change.accept(crashing));
    }
    assertEquals(before.size(), f.log.entries().size(), "no audit entry without its change: " + f.log.entries());
    assertEquals(history, f.consent.history("alice"), "no change without its audit entry");
    assertFalse(f.consent.isErased("alice"));
    assertEquals(Set.of("alice"), f.consent.consentedSubjects("churn", f.clock.instant()));
    assertEquals(Set.of(), f.consent.consentedSubjects("credit-risk", f.clock.instant()));
    // the chain goes on where it was: the next change's entry takes the seq the lost one had
    f.consent.grant("bob", "churn", null, null);
    List<AuditEntry> after = f.log.entries();
    assertEquals(before.size() + 1, after.size());
    assertEquals(AuditEntryType.CONSENT_CHANGED, after.get(after.size() - 1).type());
    AuditVerification v = AuditVerifier.verify(f.log.export().toJson(), f.ca(),
        AuditVerifier.Options.strict().allowingUncountersigned());
    assertTrue(v.valid(), v.describe());
  }

  @Test
  void grant_crashAfterTheEntryBeforeTheCommit_neitherTheGrantNorTheEntry() {
    assertNeitherVisible(r -> r.grant("alice", "credit-risk", null, null));
  }

  @Test
  void revoke_crashAfterTheEntryBeforeTheCommit_neitherTheRevocationNorTheEntry() {
    assertNeitherVisible(r -> r.revoke("alice", "churn", null, null));
  }

  @Test
  void erase_crashAfterTheEntryBeforeTheCommit_neitherTheErasureNorTheEntry() {
    assertNeitherVisible(r -> r.erase("alice"));
  }

  @Test
  void importCsv_crashAfterTheEntryBeforeTheCommit_neitherTheRowsNorTheEntry() {
    assertNeitherVisible(r -> r.importCsv(new StringReader(
        "subject_id,purpose,state,since\nalice,credit-risk,granted,2025-06-01\nalice,churn,revoked,2025-06-02T08:00:30Z\n")));
  }

  @Test
  void grant_auditAppendFails_theGrantIsRolledBack_thenBothCommitTogether() throws Exception {
    List<AuditEntry> before = f.log.entries();
    // the audit append fails: the row every append locks is gone
    try (Connection c = DriverManager.getConnection(f.url); Statement s = c.createStatement()) {
      s.executeUpdate("DELETE FROM audit_append_lock");
    }
    assertThrows(IllegalStateException.class, () -> f.consent.grant("alice", "credit-risk", null, null));
    assertEquals(before, f.log.entries());
    assertTrue(f.consent.current("alice", "credit-risk").isEmpty(), "no grant without its audit entry");

    try (Connection c = DriverManager.getConnection(f.url); Statement s = c.createStatement()) {
      s.executeUpdate("INSERT INTO audit_append_lock(id) VALUES (1)");
    }
    f.consent.grant("alice", "credit-risk", null, null);
    assertEquals(ConsentState.GRANTED, f.consent.current("alice", "credit-risk").orElseThrow().state());
    List<AuditEntry> after = f.log.entries();
    assertEquals(before.size() + 1, after.size());
    assertTrue(after.get(after.size() - 1).payload().contains("\"purpose\":\"credit-risk\""));
  }

  @Test
  void consentChangesAndOtherAppends_concurrently_oneUnbrokenChain() throws Exception {
    int each = 20;
    long before = f.log.head().seq();
    Thread consent = new Thread(() -> {
      for (int i = 0; i < each; i++) {
        f.consent.grant("subject-" + i, "churn", null, null);
      }
    });
    Thread jobs = new Thread(() -> {
      for (int i = 0; i < each; i++) {
        f.log.jobAccepted("job-" + i, "churn");
      }
    });
    consent.start();
    jobs.start();
    consent.join(30_000);
    jobs.join(30_000);
    assertFalse(consent.isAlive() || jobs.isAlive(), "the appends did not finish");
    assertEquals(before + 2 * each, f.log.head().seq());
    assertEquals(each + 1, f.consent.consentedSubjects("churn", f.clock.instant()).size());
    AuditVerification v = AuditVerifier.verify(f.log.export().toJson(), f.ca(),
        AuditVerifier.Options.strict().allowingUncountersigned());
    assertTrue(v.valid(), v.describe());
  }

  @Test
  void consentJournal_registryOnAnotherDatabase_refusedAndRolledBack() {
    try (ConsentRegistry elsewhere = ConsentRegistry.open("jdbc:h2:file:" + dir.resolve("other"), f.pseudonyms,
        f.log.consentJournal(), f.clock)) {
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> elsewhere.grant("carol", "churn", null, null));
      assertTrue(e.getMessage().contains("not the audit log's"), e.getMessage());
      assertTrue(elsewhere.current("carol", "churn").isEmpty());
    }
  }
}
