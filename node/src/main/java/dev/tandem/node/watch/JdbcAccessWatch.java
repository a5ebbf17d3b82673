package dev.tandem.node.watch;

import dev.tandem.node.audit.AuditEntry;
import dev.tandem.node.audit.AuditEntryType;
import dev.tandem.node.audit.AuditLog;
import dev.tandem.node.db.NodeDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.logging.Logger;

/** {@link AccessWatch} over the node's SQL database: counters per window, subjects by pseudonym, alerts. */
final class JdbcAccessWatch implements AccessWatch {
  private static final Logger LOG = Logger.getLogger(JdbcAccessWatch.class.getName());

  private final Connection connection;
  private final WatchConfig config;
  private final AuditLog audit;
  private final Function<String, String> pseudonyms;
  private final Clock clock;

  private JdbcAccessWatch(Connection connection, WatchConfig config, AuditLog audit,
      Function<String, String> pseudonyms, Clock clock) {
    this.connection = connection;
    this.config = config;
    this.audit = audit;
    this.pseudonyms = pseudonyms;
    this.clock = clock;
  }

  static JdbcAccessWatch open(String jdbcUrl, WatchConfig config, AuditLog audit,
      Function<String, String> pseudonyms, Clock clock) {
    Connection c = NodeDatabase.open(jdbcUrl);
    return new JdbcAccessWatch(c, config, audit, pseudonyms, clock);
  }

  @Override
  public synchronized Optional<String> admit(Access access) {
    if (!config.enabled()) {
      return Optional.empty();
    }
    Optional<Alert> before = blocking(access.partner());
    if (before.isPresent()) {
      return Optional.of(before.get().refusal());
    }
    Instant now = clock.instant();
    long w = window(now);
    count(access, w, 1, access.subjects().size(), access.outside(), 0);
    remember(access, w);
    List<Alert> raised = new ArrayList<>();
    rules(access, now, w).forEach((rule, detail) -> raise(access, rule, detail).ifPresent(raised::add));
    return raised.stream().filter(Alert::blocks).findFirst().map(Alert::refusal);
  }

  @Override
  public synchronized void refused(Access access) {
    if (!config.enabled()) {
      return;
    }
    long w = window(clock.instant());
    count(access, w, 0, 0, 0, 1);
    long refusals = sum("refusals", access.partner(), null, null, w);
    if (refusals > config.maxRefusals()) {
      raise(access, LeakRule.REFUSAL_BURST, refusals + " refused requests in this window (more than "
          + config.maxRefusals() + ")");
    }
  }

  /** The rules broken by the counters of {@code access}'s window, with what was counted. */
  private Map<LeakRule, String> rules(Access access, Instant now, long w) {
    Map<LeakRule, String> broken = new LinkedHashMap<>();
    String partner = access.partner();
    String purpose = access.purpose();
    if (access.kind() == AccessKind.SCORING) {
      long volume = sum("subjects", partner, purpose, AccessKind.SCORING, w);
      double base = baseline("subjects", partner, purpose, AccessKind.SCORING, w);
      double limit = Math.max(config.minScoringVolume(), config.factor() * base);
      if (volume > limit) {
        broken.put(LeakRule.SCORING_VOLUME, volume + " ids asked for '" + purpose + "' in this window (baseline "
            + round(base) + ", limit " + round(limit) + ")");
      }
      long distinct = distinct(partner, purpose, w);
      double distinctBase = distinctBaseline(partner, purpose, w);
      double distinctLimit = Math.max(config.minDistinctSubjects(), config.factor() * distinctBase);
      if (distinct > distinctLimit) {
        broken.put(LeakRule.DISTINCT_SUBJECTS, distinct + " distinct subjects asked about for '" + purpose
            + "' in this window (baseline " + round(distinctBase) + ", limit " + round(distinctLimit) + ")");
      }
      long outside = sum("outside", partner, purpose, AccessKind.SCORING, w);
      if (outside > config.maxOutsideIds()) {
        broken.put(LeakRule.OUTSIDE_INTERSECTION, outside + " ids asked for '" + purpose + "' in this window that"
            + " this node does not hold with consent (more than " + config.maxOutsideIds() + ")");
      }
    }
    if (access.kind().export()) {
      long exports = sum("requests", partner, null, AccessKind.AUDIT_EXPORT, w)
          + sum("requests", partner, null, AccessKind.SUBJECT_EXPORT, w);
      double base = baseline("requests", partner, null, AccessKind.AUDIT_EXPORT, w)
          + baseline("requests", partner, null, AccessKind.SUBJECT_EXPORT, w);
      double limit = Math.max(config.maxExports(), config.factor() * base);
      if (exports > limit) {
        broken.put(LeakRule.BULK_EXPORT, exports + " audit and subject exports in this window (baseline "
            + round(base) + ", limit " + round(limit) + ")");
      }
    }
    if (config.outsideHours(now.atZone(config.zone()).toLocalTime())) {
      broken.put(LeakRule.OFF_HOURS, access.kind() + " access at " + now.atZone(config.zone()).toLocalTime()
          .withNano(0) + " " + config.zone() + ", outside " + config.hoursFrom() + "-" + config.hoursTo());
    }
    return broken;
  }

  private static String round(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : String.format(java.util.Locale.ROOT, "%.1f", v);
  }

  /**
   * Raises an alert and appends {@code LEAK_ALERT}, unless one for the same partner and rule is open or
   * was raised in this window (an operator who cleared it accepted the window's access).
   */
  private Optional<Alert> raise(Access access, LeakRule rule, String detail) {
    Instant at = clock.instant();
    for (Alert a : alerts(true)) {
      if (a.partner().equals(access.partner()) && a.rule() == rule
          && (a.open() || window(a.raisedAt()) == window(at))) {
        return Optional.of(a);
      }
    }
    long id;
    try (PreparedStatement ps = connection.prepareStatement("INSERT INTO watch_alerts(raised_at, partner, purpose,"
        + " rule, detail, blocking, audit_seq) VALUES (?, ?, ?, ?, ?, ?, 0)", Statement.RETURN_GENERATED_KEYS)) {
      ps.setTimestamp(1, Timestamp.from(at));
      ps.setString(2, access.partner());
      ps.setString(3, access.purpose());
      ps.setString(4, rule.name());
      ps.setString(5, detail);
      ps.setBoolean(6, config.block());
      ps.executeUpdate();
      try (ResultSet keys = ps.getGeneratedKeys()) {
        keys.next();
        id = keys.getLong(1);
      }
    } catch (SQLException e) {
      throw NodeDatabase.error(e);
    }
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("alert", id);
    payload.put("partner", access.partner());
    payload.put("purpose", access.purpose());
    payload.put("kind", access.kind().name());
    payload.put("rule", rule.name());
    payload.put("detail", detail);
    payload.put("blocking", config.block());
    AuditEntry entry = audit.append(AuditEntryType.LEAK_ALERT, payload);
    update("UPDATE watch_alerts SET audit_seq = ? WHERE id = ?", entry.seq(), id);
    LOG.warning(() -> "leak alert " + id + ": partner '" + access.partner() + "' " + rule + ": " + detail
        + (config.block() ? "; its requests are refused until an operator clears the alert" : ""));
    return alert(id);
  }

  @Override
  public synchronized Optional<Alert> blocking(String partner) {
    return alerts(false).stream().filter(a -> a.partner().equals(partner) && a.blocks()).reduce((a, b) -> b);
  }

  @Override
  public synchronized List<Alert> alerts(boolean all) {
    return query("SELECT id, raised_at, partner, purpose, rule, detail, blocking, audit_seq, cleared_at, cleared_by"
        + " FROM watch_alerts" + (all ? "" : " WHERE cleared_at IS NULL") + " ORDER BY id DESC", null);
  }

  @Override
  public synchronized Optional<Alert> alert(long id) {
    return query("SELECT id, raised_at, partner, purpose, rule, detail, blocking, audit_seq, cleared_at, cleared_by"
        + " FROM watch_alerts WHERE id = ?", id).stream().findFirst();
  }

  @Override
  public synchronized Optional<Alert> clear(long id, String by) {
    Optional<Alert> found = alert(id);
    if (found.isEmpty()) {
      return found;
    }
    Alert a = found.get();
    if (!a.open()) {
      throw new IllegalStateException("leak alert " + id + " was cleared at " + a.clearedAt() + " by " + a.clearedBy());
    }
    Instant at = clock.instant();
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("alert", id);
    payload.put("partner", a.partner());
    payload.put("rule", a.rule().name());
    payload.put("by", by);
    audit.append(AuditEntryType.LEAK_ALERT_CLEARED, payload);
    try (PreparedStatement ps = connection.prepareStatement(
        "UPDATE watch_alerts SET cleared_at = ?, cleared_by = ? WHERE id = ?")) {
      ps.setTimestamp(1, Timestamp.from(at));
      ps.setString(2, by);
      ps.setLong(3, id);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw NodeDatabase.error(e);
    }
    LOG.info(() -> "leak alert " + id + " cleared by " + by);
    return alert(id);
  }

  private List<Alert> query(String sql, Long id) {
    List<Alert> out = new ArrayList<>();
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      if (id != null) {
        ps.setLong(1, id);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Timestamp cleared = rs.getTimestamp(9);
          out.add(new Alert(rs.getLong(1), rs.getTimestamp(2).toInstant(), rs.getString(3), rs.getString(4),
              LeakRule.valueOf(rs.getString(5)), rs.getString(6), rs.getBoolean(7), rs.getLong(8),
              cleared == null ? null : cleared.toInstant(), rs.getString(10)));
        }
      }
    } catch (SQLException e) {
      throw NodeDatabase.error(e);
    }
    return out;
  }

  /** The window that holds {@code t}: its start in seconds since the epoch, a multiple of the window length. */
  private long window(Instant t) {
    long len = config.window().toSeconds();
    return Math.floorDiv(t.getEpochSecond(), len) * len;
  }

  private void count(Access a, long w, long requests, long subjects, long outside, long refusals) {
    int updated = update("UPDATE watch_counts SET requests = requests + ?, subjects = subjects + ?,"
        + " outside = outside + ?, refusals = refusals + ? WHERE partner = ? AND purpose = ? AND kind = ?"
        + " AND window_start = ?", requests, subjects, outside, refusals, a.partner(), a.purpose(), a.kind().name(), w);
    if (updated == 0) {
      update("INSERT INTO watch_counts(requests, subjects, outside, refusals, partner, purpose, kind, window_start)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", requests, subjects, outside, refusals, a.partner(), a.purpose(),
          a.kind().name(), w);
      prune(w);
    }
  }

  /** Forgets counters and subjects older than the baseline (at the first count of each new window). */
  private void prune(long w) {
    long oldest = w - config.window().toSeconds() * (config.baselineWindows() + 1L);
    update("DELETE FROM watch_subjects WHERE window_start < ?", oldest);
    update("DELETE FROM watch_counts WHERE window_start < ?", oldest);
  }

  /** Keeps the pseudonyms of the subjects asked about in window {@code w}, each once, in one batch. */
  private void remember(Access a, long w) {
    if (a.subjects().isEmpty()) {
      return;
    }
    // portable (H2, PostgreSQL): insert unless already there
    try (PreparedStatement ps = connection.prepareStatement("INSERT INTO watch_subjects(partner, purpose,"
        + " window_start, pseudonym) SELECT ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM watch_subjects WHERE"
        + " partner = ? AND purpose = ? AND window_start = ? AND pseudonym = ?)")) {
      for (String subject : new java.util.LinkedHashSet<>(a.subjects())) {
        String pseudonym = pseudonyms.apply(subject);
        for (int base : new int[] {0, 4}) {
          ps.setString(base + 1, a.partner());
          ps.setString(base + 2, a.purpose());
          ps.setLong(base + 3, w);
          ps.setString(base + 4, pseudonym);
        }
        ps.addBatch();
      }
      ps.executeBatch();
    } catch (SQLException e) {
      throw NodeDatabase.error(e);
    }
  }

  /** A column's sum in window {@code w} for a partner (and purpose and kind unless null). */
  private long sum(String column, String partner, String purpose, AccessKind kind, long w) {
    List<Object> args = new ArrayList<>(List.of(partner, w));
    return (long) aggregate("SELECT COALESCE(SUM(" + column + "), 0) FROM watch_counts WHERE partner = ?"
        + " AND window_start = ?" + filters(purpose, kind, args), args);
  }

  /** A column's mean over the earlier windows of the baseline in which the partner had any such access. */
  private double baseline(String column, String partner, String purpose, AccessKind kind, long w) {
    long from = w - config.window().toSeconds() * config.baselineWindows();
    List<Object> args = new ArrayList<>(List.of(partner, from, w));
    return aggregate("SELECT COALESCE(AVG(total * 1.0), 0) FROM (SELECT SUM(" + column + ") AS total"
        + " FROM watch_counts WHERE partner = ? AND window_start >= ? AND window_start < ? AND requests > 0"
        + filters(purpose, kind, args) + " GROUP BY window_start) t", args);
  }

  private static String filters(String purpose, AccessKind kind, List<Object> args) {
    StringBuilder sql = new StringBuilder();
    if (purpose != null) {
      sql.append(" AND purpose = ?");
      args.add(purpose);
    }
    if (kind != null) {
      sql.append(" AND kind = ?");
      args.add(kind.name());
    }
    return sql.toString();
  }

  private long distinct(String partner, String purpose, long w) {
    return (long) aggregate("SELECT COUNT(*) FROM watch_subjects WHERE partner = ? AND purpose = ?"
        + " AND window_start = ?", List.of(partner, purpose, w));
  }

  private double distinctBaseline(String partner, String purpose, long w) {
    long from = w - config.window().toSeconds() * config.baselineWindows();
    return aggregate("SELECT COALESCE(AVG(n * 1.0), 0) FROM (SELECT COUNT(*) AS n FROM watch_subjects"
        + " WHERE partner = ? AND purpose = ? AND window_start >= ? AND window_start < ? GROUP BY window_start) t",
        List.of(partner, purpose, from, w));
  }

  private double aggregate(String sql, List<Object> args) {
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      for (int i = 0; i < args.size(); i++) {
        ps.setObject(i + 1, args.get(i));
      }
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getDouble(1);
      }
    } catch (SQLException e) {
      throw NodeDatabase.error(e);
    }
  }

  private int update(String sql, Object... args) {
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      return ps.executeUpdate();
    } catch (SQLException e) {
      throw NodeDatabase.error(e);
    }
  }

  @Override
  public synchronized void close() {
    NodeDatabase.close(connection);
  }
}
