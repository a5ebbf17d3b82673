package dev.tandem.node.audit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.certs.IssuedCertificate;
import dev.tandem.certs.Pem;
import dev.tandem.certs.Role;
import dev.tandem.certs.SiteIdentity;
import dev.tandem.crypto.merkle.MerkleSet;
import dev.tandem.node.consent.ConsentJournal;
import dev.tandem.node.consent.Purposes;
import dev.tandem.node.db.NodeDatabase;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@link AuditLog} in a SQL database over JDBC; one connection used under this object's lock, except
 * that consent entries are written on the consent registry's connection, in its transaction
 * ({@link #appendIn}).
 */
final class JdbcAuditLog implements AuditLog {
  static final int MAX_PAYLOAD = 1_000_000;
  private static final int APPEND_ATTEMPTS = 8;
  private static final String DUPLICATE_KEY = "23505";
  /** Lock timeout (H2, PostgreSQL), deadlock and serialization failures: worth another attempt. */
  private static final Set<String> TRANSIENT = Set.of("HYT00", "55P03", "40001", "40P01");
  private static final Set<AuditEntryType> GENERIC = Set.of(AuditEntryType.LEAK_ALERT,
      AuditEntryType.LEAK_ALERT_CLEARED, AuditEntryType.CONSENT_CHANGED,
      AuditEntryType.JOB_ACCEPTED, AuditEntryType.JOB_REFUSED, AuditEntryType.ANSWER_REFUSED, AuditEntryType.ERASURE,
      AuditEntryType.SUBJECT_ACCESS_REPORTED);
  /** The entries whose payload commits to a subject set kept in {@code audit_round_subjects}. */
  private static final Set<AuditEntryType> WITH_SUBJECTS = Set.of(AuditEntryType.ROUND_CONTRIBUTED,
      AuditEntryType.RECORDS_USED, AuditEntryType.SUBJECTS_SCORED);

  private final Connection connection;
  private final String site;
  private final PrivateKey key;
  private final String signer;
  private final X509Certificate ca;
  private final Clock clock;
  /** The database's URL as the driver gives it, to check that a consent transaction is on the same database. */
  private final String databaseUrl;

  private JdbcAuditLog(Connection connection, String site, PrivateKey key, String signer, X509Certificate ca,
      Clock clock) throws SQLException {
    this.connection = connection;
    this.databaseUrl = connection.getMetaData().getURL();
    this.site = site;
    this.key = key;
    this.signer = signer;
    this.ca = ca;
    this.clock = clock;
  }

  static JdbcAuditLog open(String jdbcUrl, IssuedCertificate nodeKey, X509Certificate federationCa, Clock clock) {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    Objects.requireNonNull(nodeKey, "nodeKey");
    Objects.requireNonNull(federationCa, "federationCa");
    Objects.requireNonNull(clock, "clock");
    X509Certificate cert = nodeKey.certificate();
    Optional<String> problem = EntryCodec.certificateProblem(cert, federationCa, Role.NODE, null);
    if (problem.isPresent()) {
      throw new IllegalArgumentException("the audit log needs the node's own certificate: " + problem.get());
    }
    if (!"EC".equals(nodeKey.privateKey().getAlgorithm())) {
      throw new IllegalArgumentException("the audit log signs with EC keys, the node key is "
          + nodeKey.privateKey().getAlgorithm());
    }
    String site = SiteIdentity.fromCertificate(cert).siteId();
    String fingerprint = EntryCodec.fingerprint(cert);
    Connection c = NodeDatabase.open(jdbcUrl);
    try {
      ensureLockRow(c);
      JdbcAuditLog log = new JdbcAuditLog(c, site, nodeKey.privateKey(), fingerprint, federationCa, clock);
      log.keepCertificate(fingerprint, cert);
      return log;
    } catch (SQLException e) {
      NodeDatabase.closeQuietly(c);
      throw NodeDatabase.cannotOpen(jdbcUrl, e);
    }
  }

  /** The one row every append locks first, so appends from several processes queue up. */
  private static void ensureLockRow(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1 FROM audit_append_lock WHERE id = 1")) {
      if (rs.next()) {
        return;
      }
    }
    try (Statement s = c.createStatement()) {
      s.executeUpdate("INSERT INTO audit_append_lock(id) VALUES (1)");
    } catch (SQLException e) {
      if (!DUPLICATE_KEY.equals(e.getSQLState())) {
        throw e;
      }
    }
  }

  private synchronized void keepCertificate(String fingerprint, X509Certificate cert) throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement("SELECT 1 FROM audit_certificates WHERE fingerprint = ?")) {
      ps.setString(1, fingerprint);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          return;
        }
      }
    }
    try (PreparedStatement ps = connection.prepareStatement(
        "INSERT INTO audit_certificates(fingerprint, pem) VALUES (?, ?)")) {
      ps.setString(1, fingerprint);
      ps.setString(2, Pem.encode(cert));
      ps.executeUpdate();
    } catch (SQLException e) {
      if (!DUPLICATE_KEY.equals(e.getSQLState())) {
        throw e;
      }
    }
  }

  @Override
  public String site() {
    return site;
  }

  @Override
  public AuditEntry append(AuditEntryType type, Map<String, ?> payload) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(payload, "payload");
    if (!GENERIC.contains(type)) {
      throw new IllegalArgumentException(type + " entries are written by " + switch (type) {
        case ROUND_CONTRIBUTED -> "roundContributed";
        case SUBJECTS_SCORED -> "subjectsScored";
        case RECORDS_USED -> "recordsUsed";
        default -> "countersign";
      });
    }
    return append(type, EntryCodec.canonicalJson(payload), null);
  }

  @Override
  public AuditEntry jobAccepted(String jobId, String purpose) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("job", requireText("jobId", jobId));
    p.put("purpose", Purposes.check(purpose));
    return append(AuditEntryType.JOB_ACCEPTED, p);
  }

  @Override
  public AuditEntry jobRefused(String jobId, String purpose, String reason) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("job", requireText("jobId", jobId));
    p.put("purpose", purpose);
    p.put("reason", requireText("reason", reason));
    return append(AuditEntryType.JOB_REFUSED, p);
  }

  @Override
  public AuditEntry answerRefused(String jobId, int round, String reason, String sentSha256) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("job", requireText("jobId", jobId));
    p.put("round", round);
    p.put("reason", requireText("reason", reason));
    p.put("sentSha256", requireText("sentSha256", sentSha256));
    return append(AuditEntryType.ANSWER_REFUSED, p);
  }

  @Override
  public AuditEntry roundContributed(RoundContribution c) {
    Objects.requireNonNull(c, "contribution");
    MerkleSet subjects = c.subjects();
    String root = EntryCodec.hex(subjects.root());
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("purpose", c.purpose());
    p.put("job", c.jobId());
    p.put("round", c.round());
    p.put("modelVersion", c.modelVersion());
    p.put("consentAt", c.consentAt().toString());
    p.put("records", c.recordCount());
    p.put("merkleRoot", root);
    p.put("leafCount", subjects.size());
    p.put("epsilon", c.epsilon());
    p.put("sentSha256", EntryCodec.hex(c.sentSha256()));
    if (c.dataVersion() != null) {
      p.put("dataVersion", c.dataVersion());
    }
    return append(AuditEntryType.ROUND_CONTRIBUTED, EntryCodec.canonicalJson(p), seq -> keepSubjects(root, subjects));
  }

  @Override
  public AuditEntry recordsUsed(RecordsUsed u) {
    Objects.requireNonNull(u, "use");
    MerkleSet subjects = u.subjects();
    String root = EntryCodec.hex(subjects.root());
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("purpose", u.purpose());
    p.put("job", u.jobId());
    p.put("round", u.round());
    p.put("use", u.use());
    p.put("consentAt", u.consentAt().toString());
    p.put("records", subjects.size());
    p.put("merkleRoot", root);
    p.put("leafCount", subjects.size());
    p.put("epsilon", u.epsilon());
    p.put("sentSha256", EntryCodec.hex(u.sentSha256()));
    if (u.dataVersion() != null) {
      p.put("dataVersion", u.dataVersion());
    }
    return append(AuditEntryType.RECORDS_USED, EntryCodec.canonicalJson(p), seq -> keepSubjects(root, subjects));
  }

  @Override
  public AuditEntry subjectsScored(SubjectsScored s) {
    Objects.requireNonNull(s, "scoring");
    MerkleSet subjects = s.subjects();
    String root = EntryCodec.hex(subjects.root());
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("purpose", s.purpose());
    p.put("job", s.jobId());
    p.put("modelVersion", s.modelVersion());
    p.put("role", s.role());
    p.put("requester", s.requester());
    p.put("consentAt", s.consentAt().toString());
    p.put("records", subjects.size());
    p.put("merkleRoot", root);
    p.put("leafCount", subjects.size());
    p.put("sentSha256", EntryCodec.hex(s.sentSha256()));
    if (s.dataVersion() != null) {
      p.put("dataVersion", s.dataVersion());
    }
    return append(AuditEntryType.SUBJECTS_SCORED, EntryCodec.canonicalJson(p), seq -> keepSubjects(root, subjects));
  }

  /** Keeps a subject set's sorted leaf hashes under its root (once: rounds and scorings may share a set). */
  private void keepSubjects(String root, MerkleSet subjects) throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement("SELECT 1 FROM audit_round_subjects WHERE root = ?")) {
      ps.setString(1, root);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          return;
        }
      }
    }
    try (PreparedStatement ps = connection.prepareStatement(
        "INSERT INTO audit_round_subjects(root, leaf_count, leaves) VALUES (?, ?, ?)")) {
      ps.setString(1, root);
      ps.setInt(2, subjects.size());
      ps.setBytes(3, subjects.encodedLeafHashes());
      ps.executeUpdate();
    }
  }

  @Override
  public synchronized AuditEntry countersign(HeadCountersignature cs) {
    Objects.requireNonNull(cs, "countersignature");
    Optional<String> problem = EntryCodec.countersignatureProblem(cs, ca, site);
    if (problem.isPresent()) {
      throw new IllegalArgumentException(problem.get());
    }
    Optional<AuditEntry> entry = entry(cs.seq());
    if (entry.isEmpty()) {
      throw new IllegalArgumentException("countersignature of seq " + cs.seq() + ": this log has no such entry");
    }
    if (!MessageDigest.isEqual(entry.get().hash(), cs.headHash())) {
      throw new IllegalArgumentException("countersignature of seq " + cs.seq()
          + ": the countersigned hash is not the hash of this log's entry " + cs.seq());
    }
    String pem = Pem.encode(cs.coordinatorCertificate());
    String signature = Base64.getEncoder().encodeToString(cs.signature());
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("seq", cs.seq());
    p.put("headHash", EntryCodec.hex(cs.headHash()));
    p.put("coordinator", SiteIdentity.fromCertificate(cs.coordinatorCertificate()).siteId());
    p.put("certificate", pem);
    p.put("signature", signature);
    return append(AuditEntryType.HEAD_COUNTERSIGNED, EntryCodec.canonicalJson(p), seq -> {
      try (PreparedStatement ps = connection.prepareStatement(
          "SELECT 1 FROM audit_countersignatures WHERE seq = ? AND signature = ?")) {
        ps.setLong(1, cs.seq());
        ps.setString(2, signature);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            return;
          }
        }
      }
      try (PreparedStatement ps = connection.prepareStatement(
          "INSERT INTO audit_countersignatures(seq, head_hash, certificate, signature) VALUES (?, ?, ?, ?)")) {
        ps.setLong(1, cs.seq());
        ps.setString(2, EntryCodec.hex(cs.headHash()));
        ps.setString(3, pem);
        ps.setString(4, signature);
        ps.executeUpdate();
      }
    });
  }

  @Override
  public AuditEntry countersignHead(HeadCountersigner countersigner) {
    Objects.requireNonNull(countersigner, "countersigner");
    LogHead head = head();
    if (head.seq() == 0) {
      throw new IllegalStateException("the audit log is empty; there is no head to countersign");
    }
    return countersign(countersigner.countersign(site, head.seq(), head.hash()));
  }

  @Override
  public synchronized LogHead head() {
    try {
      Optional<AuditEntry> last = last();
      return last.map(AuditEntry::head).orElse(new LogHead(0, EntryCodec.ZERO_HASH));
    } catch (SQLException e) {
      throw NodeDatabase.error(e);
    }
  }

  @Override
  public synchronized List<AuditEntry> entries() {
    List<AuditEntry> out = new ArrayList<>();
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery("SELECT " + ENTRY_COLUMNS + " FROM audit_entries ORDER BY seq")) {
      while (rs.next()) {
        out.add(entry(rs));
      }
    } catch (SQLException e) {
      throw NodeDatabase.error(e);
    }
    return out;
  }

  @Override
  public synchronized List<HeadCountersignature> countersignatures() {
    List<HeadCountersignature> out = new ArrayList<>();
    try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(
        "SELECT seq, head_hash, certificate, signature FROM audit_countersignatures ORDER BY seq, signature")) {
      while (rs.next()) {
        out.add(new HeadCountersignature(site, rs.getLong(1), HexFormat.of().parseHex(rs.getString(2)),
            Pem.decodeCertificate(rs.getString(3)), Base64.getDecoder().decode(rs.getString(4))));
      }
    } catch (SQLException e) {
      throw NodeDatabase.error(e);
    }
    return out;
  }

  @Override
  public synchronized Optional<MerkleSet> subjectSet(long seq) {
    Optional<AuditEntry> entry = entry(seq);
    if (entry.isEmpty() || !WITH_SUBJECTS.contains(entry.get().type())) {
      return Optional.empty();
    }
    String root;
    try {
      JsonNode payload = EntryCodec.JSON.readTree(entry.get().payload());
      root = payload.path("merkleRoot").asText();
    } catch (IOException e) {
      throw new IllegalStateException("audit entry " + seq + " holds malformed JSON", e);
    }
    try (PreparedStatement ps = connection.prepareStatement("SELECT leaves FROM audit_round_subjects WHERE root = ?")) {
      ps.setString(1, root);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new IllegalStateException("the node database lost the subject set of audit entry " + seq);
        }
        MerkleSet set = MerkleSet.fromEncodedLeafHashes(rs.getBytes(1));
        if (!EntryCodec.hex(set.root()).equals(root)) {
          throw new IllegalStateException("the stored subject set of audit entry " + seq + " does not give its root");
        }
        return Optional.of(set);
      }
    } catch (SQLException e) {
      throw NodeDatabase.error(e);
    }
  }

  @Override
  public ConsentJournal consentJournal() {
    return new AuditConsentJournal(this);
  }

  @Override
  public synchronized AuditExport export() {
    List<X509Certificate> certs = new ArrayList<>();
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery("SELECT pem FROM audit_certificates ORDER BY fingerprint")) {
      while (rs.next()) {
        certs.add(Pem.decodeCertificate(rs.getString(1)));
      }
    } catch (SQLException e) {
      throw NodeDatabase.error(e);
    }
    return new AuditExport(site, clock.instant(), ca, certs, entries(), countersignatures());
  }

  @Override
  public synchronized void close() {
    NodeDatabase.close(connection);
  }

  @FunctionalInterface
  private interface Extra {
    void run(long seq) throws SQLException;
  }

  private static final String ENTRY_COLUMNS = "seq, at, type, payload, prev_hash, hash, signature, signer";

  private synchronized AuditEntry append(AuditEntryType type, String payload, Extra extra) {
    checkSize(payload);
    for (int attempt = 1; ; attempt++) {
      try {
        connection.setAutoCommit(false);
        AuditEntry entry = insert(connection, type, payload);
        if (extra != null) {
          extra.run(entry.seq());
        }
        connection.commit();
        return entry;
      } catch (SQLException e) {
        rollback();
        if (TRANSIENT.contains(e.getSQLState()) && attempt < APPEND_ATTEMPTS) {
          // another process held the append lock too long: wait a little and chain onto the new head
          pause(attempt);
          continue;
        }
        throw NodeDatabase.error(e);
      } catch (RuntimeException e) {
        rollback();
        throw e;
      } finally {
        try {
          connection.setAutoCommit(true);
        } catch (SQLException e) {
          // a broken connection shows at the next call
        }
      }
    }
  }

  /**
   * Appends a {@code CONSENT_CHANGED} or {@code ERASURE} entry in the consent registry's open
   * transaction {@code tx} (auto-commit off, on this log's database) without committing it: the entry
   * becomes visible when, and only if, the registry commits the change it records. Until then {@code tx}
   * holds the append lock, so the entry keeps its place in the chain. Not retried: a failure rolls the
   * whole change back.
   *
   * @throws IllegalStateException if the database fails, or {@code tx} is not in a transaction on this
   *     log's database
   */
  AuditEntry appendIn(Connection tx, AuditEntryType type, Map<String, ?> payload) {
    Objects.requireNonNull(tx, "tx");
    if (type != AuditEntryType.CONSENT_CHANGED && type != AuditEntryType.ERASURE) {
      throw new IllegalArgumentException(type + " entries are not written in a consent transaction");
    }
    String json = EntryCodec.canonicalJson(Objects.requireNonNull(payload, "payload"));
    checkSize(json);
    try {
      if (tx.getAutoCommit()) {
        throw new IllegalStateException("a consent change's audit entry is written inside the change's transaction;"
            + " the connection has auto-commit on");
      }
      if (!tx.getMetaData().getURL().equals(databaseUrl)) {
        throw new IllegalStateException("the consent registry's database is not the audit log's: a change and its"
            + " entry could not commit together (open both on the node's databaseUrl)");
      }
      return insert(tx, type, json);
    } catch (SQLException e) {
      throw NodeDatabase.error(e);
    }
  }

  private static void checkSize(String payload) {
    if (payload.length() > MAX_PAYLOAD) {
      throw new IllegalArgumentException("audit payload is " + payload.length() + " characters, at most " + MAX_PAYLOAD);
    }
  }

  /**
   * Inserts the next entry on {@code c}, in its open transaction, after taking the append lock (held
   * until that transaction ends); does not commit.
   */
  private AuditEntry insert(Connection c, AuditEntryType type, String payload) throws SQLException {
    lockForAppend(c);
    Optional<AuditEntry> last = last(c);
    long seq = last.map(e -> e.seq() + 1).orElse(1L);
    byte[] prev = last.map(AuditEntry::hash).orElse(EntryCodec.ZERO_HASH);
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    if (last.isPresent() && now.isBefore(last.get().time())) {
      now = last.get().time();
    }
    String time = EntryCodec.formatTime(now);
    byte[] hash = EntryCodec.entryHash(seq, time, type.name(), payload, prev);
    byte[] signature = EntryCodec.sign(key, hash);
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT INTO audit_entries(" + ENTRY_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
      ps.setLong(1, seq);
      ps.setString(2, time);
      ps.setString(3, type.name());
      ps.setString(4, payload);
      ps.setString(5, EntryCodec.hex(prev));
      ps.setString(6, EntryCodec.hex(hash));
      ps.setString(7, Base64.getEncoder().encodeToString(signature));
      ps.setString(8, signer);
      ps.executeUpdate();
    }
    return new AuditEntry(seq, now, type, payload, prev, hash, signature, signer);
  }

  private static void lockForAppend(Connection connection) throws SQLException {
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery("SELECT id FROM audit_append_lock WHERE id = 1 FOR UPDATE")) {
      if (!rs.next()) {
        throw new SQLException("the audit_append_lock row is missing from the node database", "02000");
      }
    }
  }

  private static void pause(int attempt) {
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(1, 10L << Math.min(attempt, 6)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while appending to the audit log", e);
    }
  }

  private Optional<AuditEntry> last() throws SQLException {
    return last(connection);
  }

  private static Optional<AuditEntry> last(Connection connection) throws SQLException {
    try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(
        "SELECT " + ENTRY_COLUMNS + " FROM audit_entries ORDER BY seq DESC FETCH FIRST 1 ROWS ONLY")) {
      return rs.next() ? Optional.of(entry(rs)) : Optional.empty();
    }
  }

  private Optional<AuditEntry> entry(long seq) {
    try (PreparedStatement ps = connection.prepareStatement(
        "SELECT " + ENTRY_COLUMNS + " FROM audit_entries WHERE seq = ?")) {
      ps.setLong(1, seq);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(entry(rs)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw NodeDatabase.error(e);
    }
  }

  private static AuditEntry entry(ResultSet rs) throws SQLException {
    HexFormat hex = HexFormat.of();
    return new AuditEntry(rs.getLong(1), EntryCodec.parseTime(rs.getString(2)),
        AuditEntryType.valueOf(rs.getString(3)), rs.getString(4), hex.parseHex(rs.getString(5)),
        hex.parseHex(rs.getString(6)), Base64.getDecoder().decode(rs.getString(7)), rs.getString(8));
  }

  private static String requireText(String name, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
    return value;
  }

  private void rollback() {
    try {
      connection.rollback();
    } catch (SQLException e) {
      // the transaction dies with the connection
    }
  }

}
