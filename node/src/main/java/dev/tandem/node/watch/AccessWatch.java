package dev.tandem.node.watch;

import dev.tandem.node.audit.AuditLog;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Leak detection at a node: every access to its records is counted per partner, purpose and kind,
 * the rules of {@link LeakRule} flag abnormal access, each alert is a signed {@code LEAK_ALERT} audit
 * entry, and an open alert blocks the partner's further requests until an operator clears it
 * (docs/LEAK_DETECTION.md).
 *
 * <p>The request paths call it at one point each: the task router (horizontal tasks, vertical jobs'
 * stages, refusals of scoring tasks), the scoring responder (after it knows which ids it holds) and the admin API. Counters
 * and alerts live in the node's database (tables {@code watch_*}). Thread-safe. Methods throw
 * {@link IllegalStateException} for a database failure.
 */
public interface AccessWatch extends AutoCloseable {
  /** The partner name of the node's own admin API (no site id starts with '@'). */
  String ADMIN = "@admin";

  /**
   * Opens (creating the tables if needed) the watch in the database at {@code jdbcUrl}.
   *
   * @param audit where alerts and their clearing are appended, signed
   * @param pseudonyms a subject id's pseudonym: distinct subjects are counted by pseudonym, never by id
   */
  static AccessWatch open(String jdbcUrl, WatchConfig config, AuditLog audit, Function<String, String> pseudonyms,
      Clock clock) {
    return JdbcAccessWatch.open(jdbcUrl, config, audit, pseudonyms, clock);
  }

  /**
   * Counts {@code access}, applies the rules, and says why it must be refused: the partner is blocked
   * by an open alert (raised before or by this access). The caller that declines the request reports it
   * to {@link #refused} like any other refusal. A blocked partner's access is not counted again.
   *
   * @return the refusal, naming the alert; empty when the access may go on
   */
  Optional<String> admit(Access access);

  /**
   * {@link #admit} for a horizontal job's task: one access by every other site of the job ({@code self}
   * is this node's id; a job of this node alone counts as an access by the coordinator).
   */
  default Optional<String> admitJob(String self, Collection<String> sites, String purpose, AccessKind kind) {
    Optional<String> refusal = Optional.empty();
    for (String partner : partners(self, sites)) {
      Optional<String> r = admit(Access.of(partner, purpose, kind));
      if (refusal.isEmpty()) {
        refusal = r;
      }
    }
    return refusal;
  }

  /** Counts a refusal of a horizontal job's task against every other site of the job. */
  default void refusedJob(String self, Collection<String> sites, String purpose, AccessKind kind) {
    for (String partner : partners(self, sites)) {
      refused(Access.of(partner, purpose, kind));
    }
  }

  /** The partners of a job at {@code self}: its other sites, or the coordinator when there are none. */
  private static List<String> partners(String self, Collection<String> sites) {
    List<String> others = sites.stream().filter(s -> !s.equals(self)).distinct().sorted().toList();
    return others.isEmpty() ? List.of("coordinator") : others;
  }

  /** Counts a request of {@code access}'s partner that the node refused, and applies the refusal rule. */
  void refused(Access access);

  /** The open alert that blocks {@code partner}, if any. */
  Optional<Alert> blocking(String partner);

  /** Every alert, newest first; only open ones unless {@code all}. */
  List<Alert> alerts(boolean all);

  /** The alert with this id. */
  Optional<Alert> alert(long id);

  /**
   * Clears an open alert (appending {@code LEAK_ALERT_CLEARED}), so that it no longer blocks.
   *
   * @param by who cleared it (e.g. "admin-api")
   * @return the cleared alert; empty if there is none with this id
   * @throws IllegalStateException if it is already cleared
   */
  Optional<Alert> clear(long id, String by);

  /** Closes the database connection. */
  @Override
  void close();
}
