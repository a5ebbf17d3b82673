package dev.tandem.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * The database a set of stores shares (the node's or the coordinator's), on embedded H2 or
 * PostgreSQL with the same SQL: one connection pool (HikariCP) per JDBC URL in this JVM, made by the
 * first store that opens it and closed with the last, and the schema brought up to date by
 * versioned migrations (Flyway, {@code classpath:db/migration/SCHEMA/V*__*.sql}) when the pool is
 * made. A database made by a release before migrations existed (its tables there, no history) is
 * baselined at version 0 and migrated from V1, whose statements are {@code IF NOT EXISTS}.
 *
 * <p>A store holds a {@link #open connection} of its own that outlives the pooled connection under
 * it: when the pooled connection broke (the database server restarted) or failed a validity check
 * after being idle, the next call takes a fresh one from the pool, never inside a transaction.
 */
public final class StoreDatabase {
  static {
    // HikariCP's pool start and stop lines would follow every store opened; its warnings stay
    String key = "org.slf4j.simpleLogger.log.com.zaxxer.hikari";
    if (System.getProperty(key) == null) {
      System.setProperty(key, "warn");
    }
  }

  /**
   * How long a store's connection may sit idle before its next use checks it (one round trip to the
   * server): a server restarted in between is noticed there, not by the store's statement.
   */
  private static final long IDLE_CHECK_MILLIS = 100;
  private static final Pattern URL_PASSWORD = Pattern.compile("(?i)(;PASSWORD=|[?&]password=)[^;&]*");
  private static final Map<String, StoreDatabase> OPEN = new HashMap<>();
  private static final AtomicInteger POOLS = new AtomicInteger();

  private final String key;
  private final HikariDataSource pool;
  private int stores;

  private StoreDatabase(String key, HikariDataSource pool) {
    this.key = key;
    this.pool = pool;
  }

  /**
   * A store's connection to the database at {@code jdbcUrl}, whose schema is the migrations under
   * {@code db/migration/SCHEMA}; the first store to open it makes the pool (of {@code poolSize}
   * connections at most) and migrates the schema. Closing the connection releases the store's share.
   *
   * @throws SQLException if no connection can be made (the database's own message)
   * @throws IllegalStateException if the schema cannot be migrated
   */
  public static Connection open(String jdbcUrl, String schema, int poolSize, Connector connector)
      throws SQLException {
    StoreDatabase db = acquire(jdbcUrl, schema, poolSize, connector);
    StoreConnection handler = new StoreConnection(db);
    try {
      handler.current();
    } catch (SQLException | RuntimeException e) {
      db.release();
      throw e;
    }
    return (Connection) Proxy.newProxyInstance(StoreDatabase.class.getClassLoader(), new Class<?>[] {Connection.class},
        handler);
  }

  private static StoreDatabase acquire(String jdbcUrl, String schema, int poolSize, Connector connector)
      throws SQLException {
    String key = schema + " " + jdbcUrl;
    synchronized (OPEN) {
      StoreDatabase db = OPEN.get(key);
      if (db == null) {
        // one direct connection first: its failure is the database's own message
        connector.connect().close();
        HikariConfig config = new HikariConfig();
        config.setPoolName("tandem-" + schema + "-db-" + POOLS.incrementAndGet());
        config.setDataSource(new ConnectorDataSource(connector));
        config.setMaximumPoolSize(poolSize);
        config.setMinimumIdle(0); // each store holds its own connection; none kept idle beside them
        config.setConnectionTimeout(10_000);
        config.setValidationTimeout(5_000);
        config.setInitializationFailTimeout(-1);
        HikariDataSource pool = new HikariDataSource(config);
        try {
          migrate(pool, schema);
        } catch (RuntimeException e) {
          pool.close();
          throw e;
        }
        db = new StoreDatabase(key, pool);
        OPEN.put(key, db);
      }
      db.stores++;
      return db;
    }
  }

  /** Brings the schema to the newest version of {@code db/migration/SCHEMA}. */
  private static void migrate(DataSource pool, String schema) {
    try {
      Flyway.configure(StoreDatabase.class.getClassLoader())
          .dataSource(pool)
          .loggers(FlywayWarnings.class.getName())
          .locations("classpath:db/migration/" + schema)
          .table("tandem_" + schema + "_schema_history")
          .baselineOnMigrate(true)
          .baselineVersion("0")
          .baselineDescription("tables of a release before versioned migrations")
          .load()
          .migrate();
    } catch (FlywayException e) {
      throw new IllegalStateException("cannot migrate the " + schema + " database schema: " + redact(e.getMessage()), e);
    }
  }

  /** {@code text} with any JDBC URL password ({@code ;PASSWORD=} or {@code password=}) hidden. */
  public static String redact(String text) {
    return text == null ? null : URL_PASSWORD.matcher(text).replaceAll("$1(hidden)");
  }

  private void release() {
    synchronized (OPEN) {
      if (--stores == 0) {
        OPEN.remove(key);
        pool.close();
      }
    }
  }

  /** A store's connection: a pooled connection, exchanged for a fresh one when it broke. */
  private static final class StoreConnection implements InvocationHandler {
    private final StoreDatabase db;
    private Connection held;
    private long lastUse;
    private boolean closed;

    StoreConnection(StoreDatabase db) {
      this.db = db;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      switch (method.getName()) {
        case "close":
          close();
          return null;
        case "isClosed":
          return isClosed();
        case "equals":
          return proxy == args[0];
        case "hashCode":
          return System.identityHashCode(proxy);
        case "toString":
          return "store connection to " + redact(db.key);
        default:
          break;
      }
      Connection c = current();
      try {
        return method.invoke(c, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    }

    synchronized Connection current() throws SQLException {
      if (closed) {
        throw new SQLException("the store's connection is closed", "08003");
      }
      long now = System.currentTimeMillis();
      if (held != null && !held.isClosed() && !held.getAutoCommit()) {
        lastUse = now;
        return held; // inside a transaction: the same connection or the transaction's failure
      }
      if (held != null && (held.isClosed() || now - lastUse > IDLE_CHECK_MILLIS && !held.isValid(5))) {
        // the server went away (restarted, or the network failed): the pool's idle connections are as
        // dead as this one, and would be handed out unchecked if they were used less than 500 ms ago
        db.pool.evictConnection(held);
        db.pool.getHikariPoolMXBean().softEvictConnections();
        held = null;
      }
      if (held == null) {
        held = db.pool.getConnection();
      }
      lastUse = now;
      return held;
    }

    private synchronized boolean isClosed() {
      return closed;
    }

    private synchronized void close() throws SQLException {
      if (closed) {
        return;
      }
      closed = true;
      try {
        if (held != null) {
          held.close();
        }
      } finally {
        held = null;
        db.release();
      }
    }
  }

  /** The pool's source of physical connections. */
  private record ConnectorDataSource(Connector connector) implements DataSource {
    @Override
    public Connection getConnection() throws SQLException {
      return connector.connect();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
      throw new SQLFeatureNotSupportedException("the store database's credentials are in its URL");
    }

    @Override
    public PrintWriter getLogWriter() {
      return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {}

    @Override
    public void setLoginTimeout(int seconds) {}

    @Override
    public int getLoginTimeout() {
      return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
      throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
      throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
      return false;
    }
  }
}
