package dev.tandem.node.privacy;

import dev.tandem.crypto.dp.PrivacySpent;
import dev.tandem.crypto.dp.RdpAccountant;
import dev.tandem.node.db.NodeDatabase;
import dev.tandem.node.training.DpSteps;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The record-level privacy this node has spent, per purpose: one row per DP training call (job, round,
 * sampling rate, noise multiplier, steps, the job's delta, time), kept in the node's SQL database
 * (plain SQL that H2 and PostgreSQL both run).
 *
 * <p>What a purpose or a job has spent is the RDP composition of all its calls ({@link RdpAccountant}),
 * converted to epsilon at the delta asked for; budgets are checked at the budget's delta, whatever delta
 * the job itself asked for. Thread-safe: one connection under this object's lock, and
 * {@link #charge} checks and records atomically. Two ledgers on one database (two node processes) are
 * not coordinated.
 */
public final class PrivacyLedger implements AutoCloseable {

  /** The longest purpose the ledger stores. */
  public static final int MAX_PURPOSE_LENGTH = 1000;
  /** The longest job id the ledger stores. */
  public static final int MAX_JOB_ID_LENGTH = 64;

  /** One DP training call. */
  public record Spend(Instant at, String purpose, String jobId, int round, DpSteps steps) {

    public Spend {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(steps, "steps");
      checkPurpose(purpose);
      checkJobId(jobId);
      if (round < 0) {
        throw new IllegalArgumentException("round must be >= 0, got " + round);
      }
    }
  }

  private final Connection connection;
  private final Clock clock;

  private PrivacyLedger(Connection connection, Clock clock) {
    this.connection = connection;
    this.clock = clock;
  }

  /**
   * Opens (creating if needed) the ledger in the database at a JDBC URL, stamping spends with the
   * system clock.
   *
   * @throws IllegalStateException with the database's message if it cannot be opened
   */
  public static PrivacyLedger open(String jdbcUrl) {
    return open(jdbcUrl, Clock.systemUTC());
  }

  /**
   * Opens (creating if needed) the ledger in the database at a JDBC URL, stamping spends with {@code clock}.
   *
   * @throws IllegalStateException with the database's message if it cannot be opened
   */
  public static PrivacyLedger open(String jdbcUrl, Clock clock) {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    Objects.requireNonNull(clock, "clock");
    Connection c = NodeDatabase.open(jdbcUrl);
    return new PrivacyLedger(c, clock);
  }

  /**
   * Records that round {@code round} of job {@code jobId} for {@code purpose} spent {@code steps}.
   *
   * @throws IllegalArgumentException when the purpose is blank or longer than {@value #MAX_PURPOSE_LENGTH},
   *     the job id blank or longer than {@value #MAX_JOB_ID_LENGTH}, or the round negative
   * @throws IllegalStateException on a database error
   */
  public synchronized void record(String purpose, String jobId, int round, DpSteps steps) {
    Spend spend = new Spend(clock.instant(), purpose, jobId, round, steps);
    try (PreparedStatement ps = connection.prepareStatement("INSERT INTO privacy_spends(at, purpose, job_id, round,"
        + " sampling_rate, noise_multiplier, steps, job_delta) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
      ps.setObject(1, OffsetDateTime.ofInstant(spend.at(), ZoneOffset.UTC));
      ps.setString(2, spend.purpose());
      ps.setString(3, spend.jobId());
      ps.setInt(4, spend.round());
      ps.setDouble(5, steps.samplingRate());
      ps.setDouble(6, steps.noiseMultiplier());
      ps.setLong(7, steps.steps());
      ps.setDouble(8, steps.delta());
      ps.executeUpdate();
    } catch (SQLException e) {
      throw NodeDatabase.error(e);
    }
  }

  /**
   * What {@code purpose} has spent over all its calls, at {@code delta}; epsilon 0 when nothing.
   *
   * @throws IllegalArgumentException when delta is not in (0, 1)
   * @throws IllegalStateException on a database error
   */
  public synchronized PrivacySpent spent(String purpose, double delta) {
    checkPurpose(purpose);
    return accountant("purpose", purpose).spent(delta);
  }

  /**
   * What job {@code jobId} has spent over all its rounds, at {@code delta}; epsilon 0 when nothing.
   *
   * @throws IllegalArgumentException when delta is not in (0, 1)
   * @throws IllegalStateException on a database error
   */
  public synchronized PrivacySpent spentOnJob(String jobId, double delta) {
    checkJobId(jobId);
    return accountant("job_id", jobId).spent(delta);
  }

  /**
   * What {@code purpose} would have spent after {@code next} too, at {@code next}'s delta.
   *
   * @throws IllegalStateException on a database error
   */
  public PrivacySpent wouldSpend(String purpose, DpSteps next) {
    return wouldSpend(purpose, next, next.delta());
  }

  /**
   * What {@code purpose} would have spent after {@code next} too, at {@code delta}.
   *
   * @throws IllegalArgumentException when delta is not in (0, 1)
   * @throws IllegalStateException on a database error
   */
  public synchronized PrivacySpent wouldSpend(String purpose, DpSteps next, double delta) {
    checkPurpose(purpose);
    return next.composeInto(accountant("purpose", purpose)).spent(delta);
  }

  /**
   * What job {@code jobId} would have spent after {@code next} too, at {@code delta}.
   *
   * @throws IllegalArgumentException when delta is not in (0, 1)
   * @throws IllegalStateException on a database error
   */
  public synchronized PrivacySpent wouldSpendOnJob(String jobId, DpSteps next, double delta) {
    checkJobId(jobId);
    return next.composeInto(accountant("job_id", jobId)).spent(delta);
  }

  /**
   * Whether {@code purpose} can afford {@code next} within {@code budget}, at the budget's delta.
   *
   * @throws IllegalStateException on a database error
   */
  public synchronized BudgetCheck check(String purpose, DpSteps next, PrivacyBudget budget) {
    checkPurpose(purpose);
    Objects.requireNonNull(next, "next");
    Objects.requireNonNull(budget, "budget");
    RdpAccountant before = accountant("purpose", purpose);
    return new BudgetCheck(purpose, budget, before.spent(budget.delta()).epsilon(),
        next.composeInto(before).spent(budget.delta()).epsilon());
  }

  /**
   * Why {@code purpose} cannot afford {@code next} within {@code budget}; empty when it can.
   *
   * @throws IllegalStateException on a database error
   */
  public Optional<String> refusal(String purpose, DpSteps next, PrivacyBudget budget) {
    return check(purpose, next, budget).refusal();
  }

  /**
   * Checks {@code next} against {@code budget} and, only when allowed, records it, atomically with
   * respect to other calls on this ledger. Call it before training: a charge for a call that then
   * fails overstates the spending, which is safe.
   *
   * @return the check, made before recording
   * @throws IllegalArgumentException as {@link #record}
   * @throws IllegalStateException on a database error
   */
  public synchronized BudgetCheck charge(String purpose, String jobId, int round, DpSteps next,
                       PrivacyBudget budget) {
    checkJobId(jobId);
    BudgetCheck check = check(purpose, next, budget);
    if (check.allowed()) {
      record(purpose, jobId, round, next);
    }
    return check;
  }

  /**
   * The spends of {@code purpose}, oldest first.
   *
   * @throws IllegalStateException on a database error
   */
  public synchronized List<Spend> spends(String purpose) {
    checkPurpose(purpose);
    List<Spend> out = new ArrayList<>();
    try (PreparedStatement ps = connection.prepareStatement("SELECT at, purpose, job_id, round, sampling_rate,"
        + " noise_multiplier, steps, job_delta FROM privacy_spends WHERE purpose = ? ORDER BY id")) {
      ps.setString(1, purpose);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Spend(rs.getObject(1, OffsetDateTime.class).toInstant(), rs.getString(2),
              rs.getString(3), rs.getInt(4),
              new DpSteps(rs.getDouble(5), rs.getDouble(6), rs.getLong(7), rs.getDouble(8))));
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

  /** All spends whose {@code column} equals {@code value}, composed; steps of equal (q, sigma) add up exactly. */
  private RdpAccountant accountant(String column, String value) {
    RdpAccountant acc = RdpAccountant.empty();
    try (PreparedStatement ps = connection.prepareStatement("SELECT sampling_rate, noise_multiplier, SUM(steps)"
        + " FROM privacy_spends WHERE " + column + " = ? GROUP BY sampling_rate, noise_multiplier"
        + " ORDER BY sampling_rate, noise_multiplier")) {
      ps.setString(1, value);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          acc = acc.compose(rs.getDouble(1), rs.getDouble(2), rs.getLong(3));
        }
      }
    } catch (SQLException e) {
      throw NodeDatabase.error(e);
    }
    return acc;
  }


  private static void checkPurpose(String purpose) {
    Objects.requireNonNull(purpose, "purpose");
    if (purpose.isBlank() || purpose.length() > MAX_PURPOSE_LENGTH) {
      throw new IllegalArgumentException("purpose must be 1 to " + MAX_PURPOSE_LENGTH
          + " characters and not blank, got " + purpose.length() + " characters");
    }
  }

  private static void checkJobId(String jobId) {
    Objects.requireNonNull(jobId, "jobId");
    if (jobId.isBlank() || jobId.length() > MAX_JOB_ID_LENGTH) {
      throw new IllegalArgumentException("jobId must be 1 to " + MAX_JOB_ID_LENGTH
          + " characters and not blank, got '" + jobId + "'");
    }
  }
}
