package dev.tandem.node.db;

import dev.tandem.db.StoreDatabase;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JDBC plumbing every store in the node's database shares: a connection per store from one pool
 * per database, the schema kept by versioned migrations ({@code db/migration/node}, see
 * {@link StoreDatabase}), on embedded H2 or PostgreSQL, and one way to report a database failure.
 *
 * <p>An embedded H2 database ({@code jdbc:h2:file:PATH...}) is kept closed: its files
 * ({@code PATH.mv.db}, {@code .lock.db}, {@code .trace.db}) are owner-only (0600), the main one from
 * creation; in {@code AUTO_SERVER} mode (so that the administrative commands can reach the database
 * a running node holds) the server listens on loopback only ({@code h2.bindAddress}, set to
 * 127.0.0.1 here unless the JVM was started with it) and a password is required. A database
 * created without a password gets the one its URL carries at the first open.
 */
public final class NodeDatabase {
  static {
    if (System.getProperty("h2.bindAddress") == null) {
      System.setProperty("h2.bindAddress", "127.0.0.1");
    }
  }

  private static final String EMBEDDED = "jdbc:h2:file:";
  private static final Pattern PASSWORD = Pattern.compile("(?i);PASSWORD=([^;]*)");
  private static final String WRONG_PASSWORD = "28000";

  private NodeDatabase() {}

  /** The most connections the node's stores hold on its database at once (each store holds one). */
  static final int POOL_SIZE = 16;

  /**
   * A store's connection to the node database at {@code jdbcUrl} (embedded H2 or PostgreSQL), from
   * the pool the node's stores share, with the schema migrated to the newest version
   * ({@code db/migration/node}). Closing it releases the store's share of the pool.
   *
   * @throws IllegalStateException naming the URL and the database's message if it cannot be opened
   *     or migrated
   */
  public static Connection open(String jdbcUrl) {
    Path file = embeddedFile(jdbcUrl);
    if (file != null) {
      checkClosed(jdbcUrl);
      OwnerOnlyFiles.createEmpty(Path.of(file + ".mv.db"));
    }
    try {
      return StoreDatabase.open(jdbcUrl, "node", POOL_SIZE, () -> connectRestricted(jdbcUrl, file));
    } catch (SQLException e) {
      throw cannotOpen(jdbcUrl, e);
    } catch (IllegalStateException e) {
      throw new IllegalStateException("cannot open the node database " + redact(jdbcUrl) + ": " + e.getMessage(), e);
    }
  }

  /** Connects; an embedded database's files are made owner-only. */
  private static Connection connectRestricted(String jdbcUrl, Path file) throws SQLException {
    Connection c = connect(jdbcUrl);
    if (file != null) {
      for (String suffix : new String[] {".mv.db", ".lock.db", ".trace.db"}) {
        OwnerOnlyFiles.restrict(Path.of(file + suffix));
      }
    }
    return c;
  }

  /**
   * Connects; a database made before it had a password (refusing the URL's) is opened without
   * one and given the URL's password, once.
   */
  private static Connection connect(String jdbcUrl) throws SQLException {
    try {
      return DriverManager.getConnection(jdbcUrl);
    } catch (SQLException e) {
      Matcher m = PASSWORD.matcher(jdbcUrl);
      if (!WRONG_PASSWORD.equals(e.getSQLState()) || !m.find() || embeddedFile(jdbcUrl) == null
          || jdbcUrl.toUpperCase(Locale.ROOT).contains(";CIPHER=")) {
        throw e;
      }
      String password = m.group(1);
      try (Connection old = DriverManager.getConnection(m.replaceAll(""))) {
        String user;
        try (Statement s = old.createStatement(); ResultSet rs = s.executeQuery("SELECT CURRENT_USER")) {
          rs.next();
          user = rs.getString(1);
        }
        try (Statement s = old.createStatement()) {
          s.execute("ALTER USER \"" + user.replace("\"", "\"\"") + "\" SET PASSWORD '"
              + password.replace("'", "''") + "'");
        }
      } catch (SQLException withoutPassword) {
        e.addSuppressed(withoutPassword);
        throw e;
      }
      return DriverManager.getConnection(jdbcUrl);
    }
  }

  /** The path (without {@code .mv.db}) of an embedded H2 database with an absolute path, else null. */
  static Path embeddedFile(String jdbcUrl) {
    if (!jdbcUrl.startsWith(EMBEDDED)) {
      return null;
    }
    String rest = jdbcUrl.substring(EMBEDDED.length());
    int semicolon = rest.indexOf(';');
    Path p = Path.of(semicolon < 0 ? rest : rest.substring(0, semicolon));
    return p.isAbsolute() ? p : null;
  }

  /**
   * Refuses an embedded database whose {@code AUTO_SERVER} would listen beyond loopback or take
   * connections without a password.
   */
  private static void checkClosed(String jdbcUrl) {
    String upper = jdbcUrl.toUpperCase(Locale.ROOT);
    if (!upper.contains(";AUTO_SERVER=TRUE")) {
      return;
    }
    String bind = org.h2.engine.SysProperties.BIND_ADDRESS;
    boolean loopback;
    try {
      loopback = bind != null && InetAddress.getByName(bind).isLoopbackAddress();
    } catch (UnknownHostException e) {
      loopback = false;
    }
    if (!loopback) {
      throw new IllegalStateException("cannot open the node database " + redact(jdbcUrl) + ": its AUTO_SERVER would"
          + " accept connections from other hosts (h2.bindAddress is " + bind + "; start the JVM with"
          + " -Dh2.bindAddress=127.0.0.1)");
    }
    Matcher m = PASSWORD.matcher(jdbcUrl);
    if (!m.find() || m.group(1).isBlank()) {
      throw new IllegalStateException("cannot open the node database " + redact(jdbcUrl) + ": an AUTO_SERVER"
          + " database needs a PASSWORD");
    }
  }

  /** {@code jdbcUrl} with its password hidden, for messages. */
  public static String redact(String jdbcUrl) {
    return StoreDatabase.redact(jdbcUrl);
  }

  /**
   * Whether {@code e} is a unique or primary key violation (SQLSTATE 23505 on H2 and PostgreSQL;
   * PostgreSQL's driver does not throw {@link java.sql.SQLIntegrityConstraintViolationException}).
   */
  public static boolean isDuplicateKey(SQLException e) {
    return "23505".equals(e.getSQLState());
  }

  /** The exception a store throws for a failed statement: "node database error: " and the database's message. */
  public static IllegalStateException error(SQLException e) {
    return new IllegalStateException("node database error: " + e.getMessage(), e);
  }

  /**
   * The exception for a database that cannot be opened or set up.
   */
  public static IllegalStateException cannotOpen(String jdbcUrl, SQLException e) {
    return new IllegalStateException("cannot open the node database " + redact(jdbcUrl) + ": "
        + redact(e.getMessage()), e);
  }

  /**
   * Closes a store's connection.
   *
   * @throws IllegalStateException as {@link #error} if the database fails to close it
   */
  public static void close(Connection c) {
    try {
      c.close();
    } catch (SQLException e) {
      throw error(e);
    }
  }

  /** Closes {@code c} after another failure, which is the one reported. */
  public static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException suppressed) {
      // the failure that led here is the one to report
    }
  }
}
