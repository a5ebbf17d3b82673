package dev.tandem.coordinator.store;

import dev.tandem.db.StoreDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The coordinator's embedded H2 database, kept closed like a node's: files owner-only (0600), the
 * main one from creation; {@code AUTO_SERVER} (so that {@code tandem model} reads the database a
 * running coordinator holds) on loopback only ({@code h2.bindAddress}) and with the random password
 * kept owner-only in {@code PATH.password}; a database created without a password gets it at the
 * first open. Stateless.
 */
public final class EmbeddedDatabase {
  static {
    if (System.getProperty("h2.bindAddress") == null) {
      System.setProperty("h2.bindAddress", "127.0.0.1");
    }
  }

  private static final String EMBEDDED = "jdbc:h2:file:";
  private static final Pattern PASSWORD = Pattern.compile("(?i);PASSWORD=([^;]*)");
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
  private static final SecureRandom RANDOM = new SecureRandom();

  private EmbeddedDatabase() {}

  /**
   * The URL of the embedded database at {@code db} (a path without {@code .mv.db}), with its
   * password, created owner-only at the first call.
   */
  public static String url(Path db) {
    Path abs = db.toAbsolutePath();
    Path file = Path.of(abs + ".password");
    if (!Files.exists(file)) {
      byte[] fresh = new byte[32];
      RANDOM.nextBytes(fresh);
      writeOwnerOnly(file, HexFormat.of().formatHex(fresh));
    }
    String password;
    try {
      password = Files.readString(file, StandardCharsets.US_ASCII).strip();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the database password file " + file + ": " + e.getMessage(), e);
    }
    if (password.isEmpty() || password.contains(";")) {
      throw new IllegalStateException("the database password file " + file + " must hold one word without ';'");
    }
    restrict(file);
    return EMBEDDED + abs + ";AUTO_SERVER=TRUE;TRACE_LEVEL_FILE=0;PASSWORD=" + password;
  }

  /**
   * Connects to {@code jdbcUrl}; an embedded database is checked to be closed (loopback, password)
   * and its files are made owner-only.
   */
  static Connection connect(String jdbcUrl) throws SQLException {
    Path file = embeddedFile(jdbcUrl);
    if (file == null) {
      return DriverManager.getConnection(jdbcUrl);
    }
    checkClosed(jdbcUrl);
    Path main = Path.of(file + ".mv.db");
    try {
      Files.createDirectories(main.getParent());
      Files.createFile(main, posix(main) ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
          : new FileAttribute<?>[0]);
    } catch (FileAlreadyExistsException e) {
      // an existing database: restricted below
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + main + ": " + e.getMessage(), e);
    }
    Connection c;
    try {
      c = DriverManager.getConnection(jdbcUrl);
    } catch (SQLException e) {
      Matcher m = PASSWORD.matcher(jdbcUrl);
      if (!"28000".equals(e.getSQLState()) || !m.find()) {
        throw e;
      }
      String password = m.group(1);
      try (Connection old = DriverManager.getConnection(m.replaceAll("")); Statement s = old.createStatement()) {
        String user;
        try (ResultSet rs = s.executeQuery("SELECT CURRENT_USER")) {
          rs.next();
          user = rs.getString(1);
        }
        s.execute("ALTER USER \"" + user.replace("\"", "\"\"") + "\" SET PASSWORD '" + password.replace("'", "''")
            + "'");
      } catch (SQLException withoutPassword) {
        e.addSuppressed(withoutPassword);
        throw e;
      }
      c = DriverManager.getConnection(jdbcUrl);
    }
    for (String suffix : new String[] {".mv.db", ".lock.db", ".trace.db"}) {
      restrict(Path.of(file + suffix));
    }
    return c;
  }

  /** {@code jdbcUrl} with its password hidden, for messages. */
  public static String redact(String jdbcUrl) {
    return StoreDatabase.redact(jdbcUrl);
  }

  private static Path embeddedFile(String jdbcUrl) {
    if (!jdbcUrl.startsWith(EMBEDDED)) {
      return null;
    }
    String rest = jdbcUrl.substring(EMBEDDED.length());
    int semicolon = rest.indexOf(';');
    Path p = Path.of(semicolon < 0 ? rest : rest.substring(0, semicolon));
    return p.isAbsolute() ? p : null;
  }

  private static void checkClosed(String jdbcUrl) {
    if (!jdbcUrl.toUpperCase(Locale.ROOT).contains(";AUTO_SERVER=TRUE")) {
      return;
    }
    String bind = org.h2.engine.SysProperties.BIND_ADDRESS;
    boolean loopback;
    try {
      loopback = bind != null && InetAddress.getByName(bind).isLoopbackAddress();
    } catch (UnknownHostException e) {
      loopback = false;
    }
    Matcher m = PASSWORD.matcher(jdbcUrl);
    if (!loopback || !m.find() || m.group(1).isBlank()) {
      throw new IllegalStateException("cannot open the coordinator database " + redact(jdbcUrl) + ": its AUTO_SERVER"
          + " must listen on loopback only (h2.bindAddress is " + bind + ") and need a PASSWORD");
    }
  }

  private static void writeOwnerOnly(Path file, String text) {
    Path dir = file.toAbsolutePath().getParent();
    try {
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp", posix(file)
          ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)} : new FileAttribute<?>[0]);
      try {
        Files.writeString(tmp, text + "\n", StandardCharsets.US_ASCII);
        try {
          Files.createLink(file, tmp);
        } catch (FileAlreadyExistsException raced) {
          // another process wrote it first: keep theirs
        } catch (UnsupportedOperationException | IOException noLink) {
          if (!Files.exists(file)) {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
          }
        }
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  private static void restrict(Path file) {
    try {
      if (Files.exists(file) && posix(file)) {
        Files.setPosixFilePermissions(file, OWNER_ONLY);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make " + file + " owner-only: " + e.getMessage(), e);
    }
  }

  private static boolean posix(Path file) {
    try {
      Path dir = file.toAbsolutePath().getParent();
      while (dir != null && !Files.exists(dir)) {
        dir = dir.getParent();
      }
      return dir != null && Files.getFileStore(dir).supportsFileAttributeView("posix");
    } catch (IOException e) {
      return false;
    }
  }
}
