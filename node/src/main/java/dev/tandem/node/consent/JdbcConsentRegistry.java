package dev.tandem.node.consent;

import dev.tandem.node.db.NodeDatabase;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@link ConsentRegistry} in a SQL database over JDBC: table {@code consent_events} (one row per
 * decision) and {@code consent_erasures} (tombstones by pseudonym). One connection, used under
 * this object's lock.
 */
final class JdbcConsentRegistry implements ConsentRegistry {
  /** Most problems an import failure lists. */
  static final int MAX_PROBLEMS = 20;
  /** Rows per multi-row INSERT of an import, and such statements per JDBC batch. */
  private static final int ROWS_PER_INSERT = 100;
  private static final int INSERTS_PER_BATCH = 50;
  private static final String COLUMNS = "subject_id, purpose, state, since, evidence, policy_version";

  private final Connection connection;
  private final Pseudonyms pseudonyms;
  private final ConsentJournal journal;
  private final Clock clock;

  private JdbcConsentRegistry(Connection connection, Pseudonyms pseudonyms, ConsentJournal journal, Clock clock) {
    this.connection = connection;
    this.pseudonyms = pseudonyms;
    this.journal = journal;
    this.clock = clock;
  }

  static JdbcConsentRegistry open(String jdbcUrl, Pseudonyms pseudonyms, ConsentJournal journal, Clock clock) {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    Objects.requireNonNull(pseudonyms, "pseudonyms");
    Objects.requireNonNull(journal, "journal");
    Objects.requireNonNull(clock, "clock");
    Connection c = NodeDatabase.open(jdbcUrl);
    return new JdbcConsentRegistry(c, pseudonyms, journal, clock);
  }

  @Override
  public Consent grant(String subjectId, String purpose, String evidence, String policyVersion) {
    return record(new Consent(subjectId, purpose, ConsentState.GRANTED, clock.instant(), evidence, policyVersion));
  }

  @Override
  public Consent revoke(String subjectId, String purpose, String evidence, String policyVersion) {
    return record(new Consent(subjectId, purpose, ConsentState.REVOKED, clock.instant(), evidence, policyVersion));
  }

  @Override
  public synchronized Consent record(Consent consent) {
    Objects.requireNonNull(consent, "consent");
    String pseudonym = pseudonyms.of(consent.subjectId());
    return inTransaction(() -> {
      if (erased(pseudonym)) {
        throw new IllegalStateException("the subject was erased; the registry keeps no consent for it");
      }
      if (sameInstant(consent)) {
        return consent; // an exact duplicate of a recorded decision: nothing changes
      }
      try (PreparedStatement ps = connection.prepareStatement(
          "INSERT INTO consent_events(" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?)")) {
        bind(ps, 0, consent);
        ps.executeUpdate();
      }
      journal.changed(new ConsentChange(pseudonym, consent.purpose(), consent.state(), consent.since(),
          consent.policyVersion()));
      return consent;
    });
  }

  @Override
  public synchronized ConsentImport importCsv(Reader csv) {
    Objects.requireNonNull(csv, "csv");
    BufferedReader in = csv instanceof BufferedReader b ? b : new BufferedReader(csv, 1 << 16);
    MessageDigest sha = sha256();
    String first = readLine(in);
    if (first == null) {
      throw new ConsentImportException(List.of(new ConsentImportException.Problem(1,
          "the file is empty; expected a header such as subject_id,purpose,state,since,evidence,policy_version")), 1);
    }
    digest(sha, first);
    ConsentCsv.Header header;
    try {
      header = ConsentCsv.header(first);
    } catch (IllegalArgumentException e) {
      throw new ConsentImportException(List.of(new ConsentImportException.Problem(1, e.getMessage())), 1);
    }
    Set<String> tombstones = tombstones();
    return inTransaction(() -> {
      List<ConsentImportException.Problem> problems = new ArrayList<>();
      long malformed = 0;
      long rows = 0;
      long granted = 0;
      long revoked = 0;
      long skipped = 0;
      Set<String> purposes = new TreeSet<>();
      Map<String, String> checkedPurposes = new HashMap<>();
      long before = lastId();
      try (BulkInsert insert = new BulkInsert()) {
        long line = 1;
        for (String text = readLine(in); text != null; text = readLine(in)) {
          line++;
          digest(sha, text);
          if (text.isBlank()) {
            continue;
          }
          rows++;
          Consent consent;
          try {
            consent = row(header, ConsentCsv.fields(text), checkedPurposes);
          } catch (IllegalArgumentException e) {
            malformed++;
            if (problems.size() < MAX_PROBLEMS) {
              problems.add(new ConsentImportException.Problem(line, e.getMessage()));
            }
            continue;
          }
          if (malformed > 0) {
            continue; // keep reading to report more problems, but record nothing
          }
          if (!tombstones.isEmpty() && tombstones.contains(pseudonyms.of(consent.subjectId()))) {
            skipped++;
            continue;
          }
          insert.add(consent);
          purposes.add(consent.purpose());
          if (consent.granted()) {
            granted++;
          } else {
            revoked++;
          }
        }
        if (malformed > 0) {
          throw new ConsentImportException(problems, malformed);
        }
        insert.flush();
      }
      refuseContradictions(before);
      long grantedAgain = dropDuplicates(before, ConsentState.GRANTED);
      long revokedAgain = dropDuplicates(before, ConsentState.REVOKED);
      granted -= grantedAgain;
      revoked -= revokedAgain;
      ConsentImport summary = new ConsentImport(rows, granted, revoked, skipped, grantedAgain + revokedAgain, purposes,
          HexFormat.of().formatHex(sha.digest()));
      journal.imported(summary);
      return summary;
    });
  }

  /**
   * Whether {@code c} repeats a decision recorded for its subject and purpose at the same instant.
   *
   * @return true if an identical decision is recorded (then nothing is to be written)
   * @throws IllegalArgumentException naming the subject, purpose and instant if a different
   *     decision is recorded at that instant
   */
  private boolean sameInstant(Consent c) throws SQLException {
    boolean identical = false;
    try (PreparedStatement ps = connection.prepareStatement("SELECT " + COLUMNS
        + " FROM consent_events WHERE subject_id = ? AND purpose = ? AND since = ?")) {
      ps.setString(1, c.subjectId());
      ps.setString(2, c.purpose());
      ps.setObject(3, utc(c.since()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Consent recorded = consent(rs);
          if (recorded.state() != c.state()) {
            throw contradiction(c.subjectId(), c.purpose(), c.since());
          }
          identical |= recorded.equals(c);
        }
      }
    }
    return identical;
  }

  private static IllegalArgumentException contradiction(String subject, String purpose, Instant since) {
    return new IllegalArgumentException("consent refused, nothing was changed: contradictory decisions (granted and"
        + " revoked) for subject '" + subject + "', purpose " + purpose + " at the same instant " + since);
  }

  private long lastId() throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement("SELECT COALESCE(MAX(id), 0) FROM consent_events");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /**
   * Refuses an import whose rows (ids above {@code before}) contradict each other or a recorded
   * decision: another state for the same subject and purpose at the same instant.
   */
  private void refuseContradictions(long before) throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement("SELECT n.subject_id, n.purpose, n.since"
        + " FROM consent_events n JOIN consent_events o ON o.subject_id = n.subject_id AND o.purpose = n.purpose"
        + " AND o.since = n.since AND o.state <> n.state WHERE n.id > ? ORDER BY n.id FETCH FIRST 1 ROWS ONLY")) {
      ps.setLong(1, before);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          throw contradiction(rs.getString(1), rs.getString(2), rs.getObject(3, OffsetDateTime.class).toInstant());
        }
      }
    }
  }

  /**
   * Removes the rows of an import (ids above {@code before}) in {@code state} that repeat an earlier
   * row exactly, so that importing a file twice, or a row twice, records each decision once.
   *
   * @return how many were removed
   */
  private long dropDuplicates(long before, ConsentState state) throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement("DELETE FROM consent_events n WHERE n.id > ?"
        + " AND n.state = ? AND EXISTS (SELECT 1 FROM consent_events o WHERE o.subject_id = n.subject_id"
        + " AND o.purpose = n.purpose AND o.since = n.since AND o.state = n.state"
        + " AND o.evidence IS NOT DISTINCT FROM n.evidence AND o.policy_version IS NOT DISTINCT FROM n.policy_version"
        + " AND o.id < n.id)")) {
      ps.setLong(1, before);
      ps.setString(2, state.name());
      return ps.executeUpdate();
    }
  }

  /** Inserts many rows: {@value #ROWS_PER_INSERT} per statement, statements batched; the rest one by one. */
  private final class BulkInsert implements AutoCloseable {
    private final PreparedStatement many;
    private final List<Consent> pending = new ArrayList<>(ROWS_PER_INSERT);
    private int statements;

    BulkInsert() throws SQLException {
      StringBuilder sql = new StringBuilder("INSERT INTO consent_events(" + COLUMNS + ") VALUES ");
      for (int i = 0; i < ROWS_PER_INSERT; i++) {
        sql.append(i == 0 ? "" : ", ").append("(?, ?, ?, ?, ?, ?)");
      }
      many = connection.prepareStatement(sql.toString());
    }

    void add(Consent c) throws SQLException {
      pending.add(c);
      if (pending.size() == ROWS_PER_INSERT) {
        for (int i = 0; i < ROWS_PER_INSERT; i++) {
          bind(many, 6 * i, pending.get(i));
        }
        many.addBatch();
        pending.clear();
        if (++statements == INSERTS_PER_BATCH) {
          many.executeBatch();
          statements = 0;
        }
      }
    }

    void flush() throws SQLException {
      if (statements > 0) {
        many.executeBatch();
        statements = 0;
      }
      if (!pending.isEmpty()) {
        try (PreparedStatement one = connection.prepareStatement(
            "INSERT INTO consent_events(" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?)")) {
          for (Consent c : pending) {
            bind(one, 0, c);
            one.addBatch();
          }
          one.executeBatch();
        }
        pending.clear();
      }
    }

    @Override
    public void close() throws SQLException {
      many.close();
    }
  }

  private static Consent row(ConsentCsv.Header h, List<String> f, Map<String, String> checkedPurposes) {
    if (f.size() != h.fields()) {
      throw new IllegalArgumentException("expected " + h.fields() + " fields, found " + f.size());
    }
    String purpose = checkedPurposes.get(f.get(h.purpose()));
    if (purpose == null) {
      purpose = Purposes.check(f.get(h.purpose()));
      checkedPurposes.put(purpose, purpose);
    }
    return new Consent(f.get(h.subject()), purpose, ConsentState.parse(f.get(h.state())),
        ConsentCsv.since(f.get(h.since())), h.evidence() < 0 ? null : f.get(h.evidence()),
        h.policy() < 0 ? null : f.get(h.policy()));
  }

  @Override
  public synchronized boolean erase(String subjectId) {
    String pseudonym = pseudonyms.of(subjectId);
    return inTransaction(() -> {
      if (erased(pseudonym)) {
        return false;
      }
      long deleted;
      try (PreparedStatement ps = connection.prepareStatement("DELETE FROM consent_events WHERE subject_id = ?")) {
        ps.setString(1, subjectId);
        deleted = ps.executeUpdate();
      }
      Instant now = clock.instant();
      try (PreparedStatement ps = connection.prepareStatement(
          "INSERT INTO consent_erasures(pseudonym, erased_at) VALUES (?, ?)")) {
        ps.setString(1, pseudonym);
        ps.setObject(2, utc(now));
        ps.executeUpdate();
      }
      journal.erased(pseudonym, now, deleted);
      return true;
    });
  }

  @Override
  public synchronized boolean isErased(String subjectId) {
    String pseudonym = pseudonyms.of(subjectId);
    try {
      return erased(pseudonym);
    } catch (SQLException e) {
      throw NodeDatabase.error(e);
    }
  }

  @Override
  public Optional<Consent> current(String subjectId, String purpose) {
    return at(subjectId, purpose, clock.instant());
  }

  @Override
  public synchronized Optional<Consent> at(String subjectId, String purpose, Instant at) {
    Consent.checkSubjectId(subjectId);
    Purposes.check(purpose);
    Objects.requireNonNull(at, "at");
    try (PreparedStatement ps = connection.prepareStatement("SELECT " + COLUMNS
        + " FROM consent_events WHERE subject_id = ? AND purpose = ? AND since <= ?"
        + " ORDER BY since DESC, id DESC FETCH FIRST 1 ROWS ONLY")) {
      ps.setString(1, subjectId);
      ps.setString(2, purpose);
      ps.setObject(3, utc(at));
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(consent(rs)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw NodeDatabase.error(e);
    }
  }

  @Override
  public synchronized List<Consent> history(String subjectId) {
    Consent.checkSubjectId(subjectId);
    List<Consent> out = new ArrayList<>();
    try (PreparedStatement ps = connection.prepareStatement(
        "SELECT " + COLUMNS + " FROM consent_events WHERE subject_id = ? ORDER BY since, id")) {
      ps.setString(1, subjectId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(consent(rs));
        }
      }
    } catch (SQLException e) {
      throw NodeDatabase.error(e);
    }
    return out;
  }

  @Override
  public synchronized Set<String> consentedSubjects(String purpose, Instant at) {
    Purposes.check(purpose);
    Objects.requireNonNull(at, "at");
    Set<String> out = new HashSet<>();
    try (PreparedStatement ps = connection.prepareStatement("SELECT subject_id, state FROM consent_events"
        + " WHERE purpose = ? AND since <= ? ORDER BY purpose, subject_id, since, id")) {
      ps.setString(1, purpose);
      ps.setObject(2, utc(at));
      ps.setFetchSize(10_000);
      try (ResultSet rs = ps.executeQuery()) {
        String subject = null;
        boolean granted = false;
        while (rs.next()) {
          String s = rs.getString(1);
          if (!s.equals(subject)) {
            if (granted) {
              out.add(subject);
            }
            subject = s;
          }
          granted = ConsentState.GRANTED.name().equals(rs.getString(2));
        }
        if (granted) {
          out.add(subject);
        }
      }
    } catch (SQLException e) {
      throw NodeDatabase.error(e);
    }
    return out;
  }

  @Override
  public synchronized void close() {
    NodeDatabase.close(connection);
  }

  private boolean erased(String pseudonym) throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement("SELECT 1 FROM consent_erasures WHERE pseudonym = ?")) {
      ps.setString(1, pseudonym);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private synchronized Set<String> tombstones() {
    Set<String> out = new HashSet<>();
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery("SELECT pseudonym FROM consent_erasures")) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    } catch (SQLException e) {
      throw NodeDatabase.error(e);
    }
    return out;
  }

  private static void bind(PreparedStatement ps, int offset, Consent c) throws SQLException {
    ps.setString(offset + 1, c.subjectId());
    ps.setString(offset + 2, c.purpose());
    ps.setString(offset + 3, c.state().name());
    ps.setObject(offset + 4, utc(c.since()));
    ps.setString(offset + 5, c.evidence());
    ps.setString(offset + 6, c.policyVersion());
  }

  private static Consent consent(ResultSet rs) throws SQLException {
    return new Consent(rs.getString(1), rs.getString(2), ConsentState.valueOf(rs.getString(3)),
        rs.getObject(4, OffsetDateTime.class).toInstant(), rs.getString(5), rs.getString(6));
  }

  private static OffsetDateTime utc(Instant t) {
    return OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
  }

  @FunctionalInterface
  private interface Work<T> {
    T run() throws SQLException;
  }

  private <T> T inTransaction(Work<T> work) {
    try {
      connection.setAutoCommit(false);
    } catch (SQLException e) {
      throw NodeDatabase.error(e);
    }
    try {
      T result = work.run();
      connection.commit();
      return result;
    } catch (SQLException e) {
      rollback();
      throw NodeDatabase.error(e);
    } catch (RuntimeException | Error e) {
      rollback();
      throw e;
    } finally {
      try {
        connection.setAutoCommit(true);
      } catch (SQLException e) {
        // the connection is broken; the next call reports it
      }
    }
  }

  private void rollback() {
    try {
      connection.rollback();
    } catch (SQLException e) {
      // the transaction dies with the connection
    }
  }

  private static String readLine(BufferedReader in) {
    try {
      return in.readLine();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the consent CSV: " + e.getMessage(), e);
    }
  }

  private static void digest(MessageDigest sha, String line) {
    sha.update(line.getBytes(StandardCharsets.UTF_8));
    sha.update((byte) '\n');
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

}
