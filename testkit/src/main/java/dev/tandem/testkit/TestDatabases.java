package dev.tandem.testkit;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The databases store tests run on, by name: {@value #H2} (an embedded H2 file in the test's folder)
 * and {@value #POSTGRESQL} (a database of its own on the JVM's {@link PostgresServer#shared} server,
 * the credentials in the URL so that {@code DriverManager.getConnection(url)} works for both). A
 * test class runs over both with {@code @ParameterizedClass @ValueSource(strings = {"h2",
 * "postgresql"})}.
 */
public final class TestDatabases {
  public static final String H2 = "h2";
  public static final String POSTGRESQL = "postgresql";

  /** The PostgreSQL database made for each folder and name, so that reopening finds the same one. */
  private static final Map<String, String> MADE = new HashMap<>();

  private TestDatabases() {}

  /**
   * The URL of database {@code name} for a test working in {@code dir}: the same for the same
   * folder and name (a store reopened finds its rows), a new empty database otherwise.
   *
   * @throws IllegalArgumentException for a kind other than {@value #H2} and {@value #POSTGRESQL}
   */
  public static String url(String kind, Path dir, String name) {
    switch (kind) {
      case H2:
        return "jdbc:h2:file:" + dir.resolve(name).toAbsolutePath();
      case POSTGRESQL:
        PostgresServer pg = PostgresServer.shared();
        String database;
        synchronized (MADE) {
          database = MADE.computeIfAbsent(dir.toAbsolutePath() + "/" + name, k -> pg.createDatabase(name));
        }
        return pg.jdbcUrl(database) + "?user=" + pg.user() + "&password=" + pg.password();
      default:
        throw new IllegalArgumentException("no test database kind '" + kind + "': h2 or postgresql");
    }
  }
}
