package dev.tandem.node.consent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.testkit.TestDatabases;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

@ParameterizedClass
@ValueSource(strings = {TestDatabases.H2, TestDatabases.POSTGRESQL})
class ConsentRegistryTest {
  @Parameter String database;

  private static final Instant T0 = Instant.parse("2025-03-01T09:00:00Z");

  @TempDir
  Path dir;

  private String url;
  private MutableClock clock;
  private RecordingJournal journal;
  private Pseudonyms pseudonyms;
  private ConsentRegistry registry;

  @BeforeEach
  void open() {
    url = TestDatabases.url(database, dir, "node");
    clock = new MutableClock(T0);
    journal = new RecordingJournal();
    pseudonyms = Pseudonyms.open(dir.resolve("node.pseudonym-secret"), url);
    registry = ConsentRegistry.open(url, pseudonyms, journal, clock);
  }

  @AfterEach
  void close() {
    registry.close();
  }

  @Test
  void revoke_betweenRounds_takesEffectAtTheRevocationInstant() {
    registry.grant("alice", "churn", "crm:form/1", "v1");
    registry.grant("bob", "churn", "crm:form/2", "v1");
    Instant roundK = T0.plusSeconds(60);
    clock.set(T0.plusSeconds(90));
    Consent revocation = registry.revoke("alice", "churn", "crm:call/7", "v1");
    Instant roundK1 = T0.plusSeconds(120);

    assertEquals(Set.of("alice", "bob"), registry.consentedSubjects("churn", roundK));
    assertEquals(Set.of("alice", "bob"), registry.consentedSubjects("churn", revocation.since().minusNanos(1000)));
    assertEquals(Set.of("bob"), registry.consentedSubjects("churn", revocation.since()));
    assertEquals(Set.of("bob"), registry.consentedSubjects("churn", roundK1));
    assertEquals(Set.of(), registry.consentedSubjects("churn", T0.minusSeconds(1)));
    assertEquals(ConsentState.REVOKED, registry.current("alice", "churn").orElseThrow().state());
    assertEquals(ConsentState.GRANTED, registry.at("alice", "churn", roundK).orElseThrow().state());
    assertEquals("crm:form/1", registry.at("alice", "churn", roundK).orElseThrow().evidence());
    assertEquals(2, registry.history("alice").size());
  }

  @Test
  void consentedSubjects_otherPurposeOrFutureGrant_notSelected() {
    registry.grant("alice", "churn", null, null);
    registry.record(new Consent("carol", "churn", ConsentState.GRANTED, T0.plus(Duration.ofDays(1)), null, null));
    registry.grant("dave", "credit-risk", null, null);
    assertEquals(Set.of("alice"), registry.consentedSubjects("churn", T0));
    assertEquals(Set.of("alice", "carol"), registry.consentedSubjects("churn", T0.plus(Duration.ofDays(2))));
    assertEquals(Set.of("dave"), registry.consentedSubjects("credit-risk", T0));
    assertEquals(Set.of(), registry.consentedSubjects("health-risk", T0));
    assertEquals(Optional.empty(), registry.current("dave", "churn"));
  }

  @Test
  void record_contradictoryDecisionAtSameInstant_refusedNamingSubjectAndInstant() {
    registry.record(new Consent("alice", "churn", ConsentState.GRANTED, T0, null, null));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> registry.record(new Consent("alice", "churn", ConsentState.REVOKED, T0, null, null)));
    assertTrue(e.getMessage().contains("contradictory") && e.getMessage().contains("'alice'")
        && e.getMessage().contains(T0.toString()), e.getMessage());
    assertEquals(Set.of("alice"), registry.consentedSubjects("churn", T0));
    assertEquals(1, registry.history("alice").size());
    assertEquals(1, journal.changes.size());
  }

  @Test
  void record_exactDuplicate_idempotent() {
    Consent c = new Consent("alice", "churn", ConsentState.GRANTED, T0, "form-1", "v1");
    registry.record(c);
    assertEquals(c, registry.record(c));
    assertEquals(List.of(c), registry.history("alice"));
    assertEquals(1, journal.changes.size(), "one change audited");
  }

  @Test
  void importCsv_contradictoryDecisionsForOneSubjectAtOneInstant_refusedNothingChanged() {
    String csv = """
        subject_id,purpose,state,since
        bob,churn,granted,2025-01-01
        alice,churn,granted,2025-01-02T10:00:00Z
        alice,churn,revoked,2025-01-02T10:00:00Z
        """;
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> registry.importCsv(new StringReader(csv)));
    assertTrue(e.getMessage().contains("contradictory") && e.getMessage().contains("'alice'")
        && e.getMessage().contains("2025-01-02T10:00:00Z"), e.getMessage());
    assertEquals(List.of(), registry.history("bob"), "nothing was changed");
    assertEquals(List.of(), registry.history("alice"));
    assertEquals(List.of(), journal.imports);
  }

  @Test
  void importCsv_contradictsARecordedDecisionAtTheSameInstant_refused() {
    registry.record(new Consent("alice", "churn", ConsentState.GRANTED, Instant.parse("2025-01-02T10:00:00Z"),
        null, null));
    assertThrows(IllegalArgumentException.class, () -> registry.importCsv(new StringReader(
        "subject_id,purpose,state,since\nalice,churn,revoked,2025-01-02T10:00:00Z\n")));
    assertEquals(1, registry.history("alice").size());
  }

  @Test
  void importCsv_exactDuplicatesInTheFileOrImportedTwice_recordedOnce() {
    String csv = """
        subject_id,purpose,state,since,evidence
        alice,churn,granted,2025-01-02T10:00:00Z,form-1
        alice,churn,granted,2025-01-02T10:00:00Z,form-1
        bob,churn,revoked,2025-01-03T10:00:00Z,call-2
        """;
    ConsentImport first = registry.importCsv(new StringReader(csv));
    assertEquals(1, first.granted());
    assertEquals(1, first.revoked());
    assertEquals(1, first.duplicates());
    ConsentImport again = registry.importCsv(new StringReader(csv));
    assertEquals(0, again.granted() + again.revoked());
    assertEquals(3, again.duplicates());
    assertEquals(1, registry.history("alice").size());
    assertEquals(1, registry.history("bob").size());
  }

  @Test
  void importCsv_subjectWithLoneSurrogate_refusedWithItsLine() {
    ConsentImportException e = assertThrows(ConsentImportException.class, () -> registry.importCsv(
        new StringReader("subject_id,purpose,state,since\nC-?,churn,granted,2025-01-01\nC-\uD800,churn,revoked,2025-01-01\n")));
    assertEquals(3, e.problems().get(0).line());
    assertTrue(e.getMessage().contains("lone surrogate"), e.getMessage());
    assertEquals(List.of(), registry.history("C-?"));
  }

  @Test
  void grant_invalidPurposeOrSubject_throwsNamingIt() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> registry.grant("alice", "Churn", null, null));
    assertTrue(e.getMessage().contains("'Churn'"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> registry.grant("alice", "1churn", null, null));
    assertThrows(IllegalArgumentException.class, () -> registry.grant("alice", "a".repeat(65), null, null));
    assertThrows(IllegalArgumentException.class, () -> registry.grant(" alice", "churn", null, null));
    assertThrows(IllegalArgumentException.class, () -> registry.grant("", "churn", null, null));
    assertThrows(IllegalArgumentException.class, () -> registry.consentedSubjects("no_underscores", T0));
    assertEquals(List.of(), journal.changes);
  }

  @Test
  void grant_reportsPseudonymToTheJournal() {
    registry.grant("alice", "churn", "crm:form/1", "v2");
    ConsentChange change = journal.changes.get(0);
    assertEquals(pseudonyms.of("alice"), change.pseudonym());
    assertEquals(new ConsentChange(pseudonyms.of("alice"), "churn", ConsentState.GRANTED, T0, "v2"), change);
  }

  @Test
  void grant_journalFails_changeIsRolledBack() {
    registry.close();
    ConsentJournal failing = new ConsentJournal() {
      @Override
      public void changed(ConsentChange change) {
        throw new IllegalStateException("audit log unavailable");
      }

      @Override
      public void imported(ConsentImport summary) {
        throw new IllegalStateException("audit log unavailable");
      }

      @Override
      public void erased(String pseudonym, Instant at, long rows) {
        throw new IllegalStateException("audit log unavailable");
      }
    };
    registry = ConsentRegistry.open(url, pseudonyms, failing, clock);
    assertThrows(IllegalStateException.class, () -> registry.grant("alice", "churn", null, null));
    assertThrows(IllegalStateException.class, () -> registry.importCsv(new StringReader(
        "subject_id,purpose,state,since\nbob,churn,granted,2025-01-01\n")));
    assertEquals(Set.of(), registry.consentedSubjects("churn", T0));
  }

  @Test
  void importCsv_wellFormed_recordsEveryRowAndHashesTheText() throws Exception {
    String csv = """
        policy_version,subject_id,purpose,state,since,evidence
        v3,alice,churn,granted,2025-01-01,"crm:form/1, signed"
        v3,bob,churn,GRANTED,2025-01-02T10:00:00Z,
        v3,"carol \"\"the auditor\"\"",credit-risk,granted,2025-01-03T10:00:00+01:00,crm:form/3

        v3,bob,churn,revoked,2025-02-01T00:00:00Z,crm:call/9
        """;
    ConsentImport summary = registry.importCsv(new StringReader(csv));
    assertEquals(4, summary.rows());
    assertEquals(3, summary.granted());
    assertEquals(1, summary.revoked());
    assertEquals(Set.of("churn", "credit-risk"), summary.purposes());
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(csv.getBytes(StandardCharsets.UTF_8)));
    assertEquals(sha, summary.sha256());
    assertEquals(List.of(summary), journal.imports);
    assertEquals(Set.of("alice"), registry.consentedSubjects("churn", T0));
    assertEquals(Set.of("alice", "bob"), registry.consentedSubjects("churn", Instant.parse("2025-01-15T00:00:00Z")));
    Consent carol = registry.current("carol \"the auditor\"", "credit-risk").orElseThrow();
    assertEquals(Instant.parse("2025-01-03T09:00:00Z"), carol.since());
    assertEquals("crm:form/1, signed", registry.current("alice", "churn").orElseThrow().evidence());
    assertEquals(null, registry.at("bob", "churn", Instant.parse("2025-01-15T00:00:00Z")).orElseThrow().evidence());
  }

  @Test
  void importCsv_malformedRows_changesNothingAndReportsLineNumbers() {
    registry.grant("zoe", "churn", null, null);
    String csv = """
        subject_id,purpose,state,since,evidence
        alice,churn,granted,2025-01-01,ok

        bob,churn,maybe,2025-01-01,bad state
        carol,Churn,granted,2025-01-01,bad purpose
        dave,churn,granted,yesterday,bad date
        erin,churn,granted,2025-01-01
        frank,churn,granted,2025-01-01,"unterminated
        gina,churn,granted,2025-01-01,fine
        """;
    ConsentImportException e =
        assertThrows(ConsentImportException.class, () -> registry.importCsv(new StringReader(csv)));
    assertEquals(List.of(4L, 5L, 6L, 7L, 8L), e.problems().stream().map(ConsentImportException.Problem::line).toList());
    assertEquals(5, e.total());
    assertTrue(e.getMessage().startsWith("consent import refused, nothing was changed: line 4: unknown consent state 'maybe'"),
        e.getMessage());
    assertTrue(e.problems().get(1).message().contains("'Churn'"));
    assertTrue(e.problems().get(2).message().contains("'yesterday'"));
    assertTrue(e.problems().get(3).message().contains("expected 5 fields, found 4"));
    assertTrue(e.problems().get(4).message().contains("unterminated"));
    assertEquals(Set.of("zoe"), registry.consentedSubjects("churn", T0));
    assertEquals(List.of(), journal.imports);
  }

  @Test
  void importCsv_badHeaderOrEmpty_refusedAtLineOne() {
    ConsentImportException missing = assertThrows(ConsentImportException.class,
        () -> registry.importCsv(new StringReader("subject_id,purpose,since\nalice,churn,2025-01-01\n")));
    assertEquals(1, missing.problems().get(0).line());
    assertTrue(missing.getMessage().contains("lacks column state"), missing.getMessage());
    ConsentImportException unknown = assertThrows(ConsentImportException.class,
        () -> registry.importCsv(new StringReader("subject_id,purpose,state,since,policy\n")));
    assertTrue(unknown.getMessage().contains("unknown column 'policy'"), unknown.getMessage());
    ConsentImportException empty =
        assertThrows(ConsentImportException.class, () -> registry.importCsv(new StringReader("")));
    assertTrue(empty.getMessage().contains("empty"), empty.getMessage());
  }

  @Test
  void importCsv_tooManyProblems_listsTheFirstTwentyAndCountsAll() {
    StringBuilder csv = new StringBuilder("subject_id,purpose,state,since\n");
    for (int i = 0; i < 30; i++) {
      csv.append("s").append(i).append(",churn,granted,not-a-date\n");
    }
    ConsentImportException e =
        assertThrows(ConsentImportException.class, () -> registry.importCsv(new StringReader(csv.toString())));
    assertEquals(20, e.problems().size());
    assertEquals(30, e.total());
    assertTrue(e.getMessage().contains("(and 29 more malformed lines)"), e.getMessage());
  }

  @Test
  void erase_removesConsentKeepsTombstoneAndRefusesReturn() {
    registry.grant("alice", "churn", "crm:form/1", "v1");
    registry.grant("alice", "credit-risk", "crm:form/1", "v1");
    registry.grant("bob", "churn", null, null);
    clock.advance(Duration.ofMinutes(1));

    assertTrue(registry.erase("alice"));
    assertFalse(registry.erase("alice"));
    assertTrue(registry.isErased("alice"));
    assertFalse(registry.isErased("bob"));
    assertEquals(List.of(new RecordingJournal.Erasure(pseudonyms.of("alice"), clock.instant(), 2)), journal.erasures);
    assertEquals(Set.of("bob"), registry.consentedSubjects("churn", clock.instant()));
    assertEquals(List.of(), registry.history("alice"));
    assertThrows(IllegalStateException.class, () -> registry.grant("alice", "churn", null, null));

    ConsentImport summary = registry.importCsv(new StringReader(
        "subject_id,purpose,state,since\nalice,churn,granted,2025-01-01\ncarol,churn,granted,2025-01-01\n"));
    assertEquals(1, summary.skippedErased());
    assertEquals(1, summary.granted());
    assertEquals(Set.of("bob", "carol"), registry.consentedSubjects("churn", clock.instant()));
  }

  @Test
  void erase_leavesNoRawSubjectIdInAnyTable() throws Exception {
    String subject = "CUST-4711-erasable";
    registry.importCsv(new StringReader("subject_id,purpose,state,since,evidence,policy_version\n"
        + subject + ",churn,granted,2025-01-01,crm:form/" + subject + ",v1\n"
        + subject + ",credit-risk,revoked,2025-01-02,crm:call/" + subject + ",v1\n"
        + "other,churn,granted,2025-01-01,crm:form/other,v1\n"));
    registry.grant(subject, "health-risk", "signed by " + subject, "v2");
    assertTrue(tableValues().stream().anyMatch(v -> v.contains(subject)), "the test must see the id before erasure");

    registry.erase(subject);

    List<String> leaks = tableValues().stream().filter(v -> v.contains(subject)).toList();
    assertEquals(List.of(), leaks);
    assertTrue(tableValues().stream().anyMatch(v -> v.contains(pseudonyms.of(subject))), "tombstone by pseudonym");
  }

  /** Every value of every user table of the node database, as text (binary as UTF-8 and hex). */
  private List<String> tableValues() throws Exception {
    List<String> values = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      List<String> tables = new ArrayList<>();
      try (ResultSet rs = s.executeQuery(
          "SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE UPPER(TABLE_SCHEMA) = 'PUBLIC'")) {
        while (rs.next()) {
          tables.add(rs.getString(1));
        }
      }
      assertTrue(tables.size() >= 2, "tables " + tables); // the pseudonym secret is in its own file
      for (String table : tables) {
        try (ResultSet rs = s.executeQuery("SELECT * FROM \"" + table + "\"")) {
          ResultSetMetaData meta = rs.getMetaData();
          while (rs.next()) {
            for (int i = 1; i <= meta.getColumnCount(); i++) {
              Object v = rs.getObject(i);
              if (v instanceof byte[] b) {
                values.add(new String(b, StandardCharsets.UTF_8));
                values.add(HexFormat.of().formatHex(b));
              } else if (v != null) {
                values.add(v.toString());
              }
            }
          }
        }
      }
    }
    return values;
  }
}
