package dev.tandem.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.testkit.PostgresServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs README.md's sections "Deploying a site", "Running a training job" and "Auditing a node" as
 * written, with the archive {@code mvn package} built, on one machine: every {@code bash} block is a
 * step of one script and every {@code yaml} block that starts with {@code # file: PATH} is written to
 * that path. What the README leaves to the site is supplied here: each branch's customer CSV (the
 * bundled IBM telco churn data, split in three) and its consent export.
 *
 * <p>Rules that turn one site's instructions into a three-branch federation on one machine:
 * a command or file that names {@code branch-north} and no other branch is also run or written for
 * {@code branch-south} and {@code branch-east} under their names; {@code /opt} is a scratch folder;
 * {@code fl.acme.example} is {@code localhost}; the ports are free ones; {@code tandem coordinator}
 * and {@code tandem node} start in the background (the script waits for the coordinator's port).
 *
 * <p>One branch, {@code branch-east}, keeps everything in PostgreSQL instead, as a bank would: its
 * customers are a table on a PostgreSQL server (a throwaway one, testkit's), read by its node's
 * {@code sql} data source, and its node's stores (consent, audit, ledger) are another database on
 * that server. Its {@code data:} and {@code database:} lines are the only ones written differently,
 * and it has no CSV file: so the job trains with data that lives in PostgreSQL (issue #13).
 */
class ReadmeWalkthroughTest {
  private static final List<String> OTHER_BRANCHES = List.of("branch-south", "branch-east");

  @TempDir Path root;

  @Test
  void readme_deployTrainAndAudit_runAsWrittenFromTheArchive() throws Exception {
    Path work = Files.createDirectories(root.resolve("work"));
    Path home = Files.createDirectories(root.resolve("home"));
    Path opt = Files.createDirectories(root.resolve("opt"));
    Path archive = Path.of(System.getProperty("tandem.archive", "target/tandem-archive-missing.tar.gz"));
    assertTrue(Files.isRegularFile(archive), "the package phase built " + archive);
    Files.createSymbolicLink(work.resolve(archive.getFileName()), archive.toAbsolutePath());
    PostgresServer postgres = PostgresServer.shared();
    String eastStores = postgres.createDatabase("branch_east_stores");
    String eastData = postgres.createDatabase("branch_east_customers");
    writeSiteData(work, postgres.jdbcUrl(eastData), postgres.user(), postgres.password());

    String readme = Files.readString(Path.of(System.getProperty("tandem.readme", "../README.md")));
    int from = readme.indexOf("## Deploying a site");
    int to = readme.indexOf("## Accuracy and speed");
    assertTrue(from > 0 && to > from, "README has the sections this test runs");
    Map<String, String> ports = new LinkedHashMap<>();
    ports.put("7443", String.valueOf(freePort()));
    ports.put("7480", String.valueOf(freePort()));
    ports.put("branch-south:7480", String.valueOf(freePort()));
    ports.put("branch-east:7480", String.valueOf(freePort()));
    String eastYaml = "data:\n"
        + "  sql:\n"
        + "    url: " + postgres.jdbcUrl(eastData) + "\n"
        + "    user: " + postgres.user() + "\n"
        + "    passwordFile: db.pass\n"
        + "    query: SELECT * FROM customers ORDER BY \"customerID\"\n"
        + "  idColumn: customerID\n"
        + "  testFraction: 0.2\n"
        + "database: {url: \"" + postgres.jdbcUrl(eastStores) + "\", user: " + postgres.user()
        + ", passwordFile: db.pass}";
    String script = script(readme.substring(from, to), opt, ports, eastYaml);
    Files.writeString(root.resolve("walkthrough.sh"), script);

    ProcessBuilder pb = new ProcessBuilder("bash", root.resolve("walkthrough.sh").toString())
        .directory(work.toFile()).redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    env.clear();
    env.put("PATH", "/usr/bin:/bin");
    env.put("HOME", home.toString());
    env.put("JAVA_HOME", System.getProperty("java.home"));
    env.put("TANDEM_JAVA_OPTS", "-Xmx384m");
    Path log = root.resolve("walkthrough.log");
    pb.redirectOutput(log.toFile());
    Process p = pb.start();
    boolean done = p.waitFor(12, TimeUnit.MINUTES);
    if (!done) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
    String output = Files.readString(log);
    System.out.println(output);
    assertTrue(done, "the walkthrough ran over 12 minutes:\n" + tail(output));
    assertEquals(0, p.exitValue(), "the walkthrough failed:\n" + tail(output) + "\n" + serverLogs(work));

    assertTrue(output.contains("SUCCEEDED"), "the job succeeded");
    JsonNode model = new ObjectMapper().readTree(work.resolve("churn-model.json").toFile());
    assertEquals("tandem-model/1", model.get("format").asText());
    assertEquals(30, model.get("round").asInt());
    assertTrue(model.get("metrics").get("auc").asDouble() > 0.80, model.get("metrics").toString());
    JsonNode subject = new ObjectMapper().readTree(work.resolve("branch-north-subject.json").toFile());
    assertTrue(subject.toString().contains("churn"), "the subject report lists the churn rounds: " + subject);
    for (String site : List.of("branch-north", "branch-south", "branch-east")) {
      assertTrue(Files.isRegularFile(work.resolve(site + "-audit.json")), site + " audit exported");
      assertTrue(Files.notExists(work.resolve("ca").resolve(site + ".key")), "no site key at the CA");
    }
    // branch-east trained from its PostgreSQL table and kept its audit there, with no file of its own
    assertTrue(Files.notExists(work.resolve("branch-east/data")), "branch-east has no CSV");
    assertTrue(Files.notExists(work.resolve("branch-east/db")), "branch-east has no embedded database");
    try (Connection c = DriverManager.getConnection(postgres.jdbcUrl(eastStores), postgres.user(), postgres.password());
        Statement st = c.createStatement();
        ResultSet rounds = st.executeQuery("SELECT COUNT(*) FROM audit_entries WHERE type = 'ROUND_CONTRIBUTED'")) {
      assertTrue(rounds.next());
      assertEquals(30, rounds.getInt(1), "branch-east's audit in PostgreSQL has every round it contributed to");
    }
  }

  /** The README section as one bash script, with the substitutions in the class comment. */
  static String script(String section, Path opt, Map<String, String> ports, String eastDataAndDatabase) {
    StringBuilder out = new StringBuilder();
    out.append("set -euo pipefail\n")
        .append("trap 'kill $(jobs -p) 2>/dev/null || true' EXIT\n")
        .append("mkdir -p logs\n");
    String[] lines = section.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      if (!lines[i].startsWith("```") || lines[i].equals("```")) {
        continue;
      }
      String language = lines[i].substring(3).trim();
      List<String> block = new ArrayList<>();
      for (i++; i < lines.length && !lines[i].equals("```"); i++) {
        block.add(lines[i]);
      }
      String text = String.join("\n", block);
      if (language.equals("yaml") && !block.isEmpty() && block.get(0).startsWith("# file: ")) {
        String path = block.get(0).substring("# file: ".length()).split(" ")[0];
        for (String[] variant : variants(text)) {
          String file = variant[1].equals("branch-north") ? path : path.replace("branch-north", variant[1]);
          String content = substitute(variant[0], opt, ports, variant[1]);
          if (variant[1].equals("branch-east") && file.endsWith("node.yaml")) {
            content = onPostgres(content, eastDataAndDatabase);
          }
          out.append("mkdir -p \"$(dirname '").append(file).append("')\"\n")
              .append("cat > '").append(file).append("' <<'TANDEM_EOF'\n")
              .append(content).append("\nTANDEM_EOF\n");
        }
      } else if (language.equals("bash")) {
        for (String command : commands(block)) {
          for (String[] variant : variants(command)) {
            out.append(step(substitute(variant[0], opt, ports, variant[1]), variant[1], ports));
          }
        }
      }
    }
    return out.toString();
  }

  /** The node YAML with its {@code data:} and {@code database:} lines replaced by {@code replacement}. */
  private static String onPostgres(String yaml, String replacement) {
    List<String> out = new ArrayList<>();
    boolean replaced = false;
    for (String line : yaml.split("\n", -1)) {
      if (line.startsWith("data:") || line.startsWith("database:")) {
        if (!replaced) {
          out.add(replacement);
          replaced = true;
        }
      } else {
        out.add(line);
      }
    }
    assertTrue(replaced, "the README's node YAML has data: and database: lines");
    return String.join("\n", out);
  }

  /** The command as a script step: servers go to the background, everything else runs and must succeed. */
  private static String step(String command, String site, Map<String, String> ports) {
    String echo = "echo '$ " + command.replace("'", "'\\''") + "'\n";
    if (command.startsWith("tandem coordinator ")) {
      String port = ports.get("7443");
      return echo + command + " > logs/coordinator.log 2>&1 &\n"
          + "for i in $(seq 1 240); do (echo > /dev/tcp/127.0.0.1/" + port + ") 2>/dev/null && break; sleep 0.5; done\n";
    }
    if (command.startsWith("tandem node ")) {
      return echo + command + " > logs/" + site + ".log 2>&1 &\n";
    }
    return echo + command + "\n";
  }

  /** The logical command lines of a bash block (continuations joined, comments and blanks dropped). */
  private static List<String> commands(List<String> block) {
    List<String> commands = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : block) {
      String stripped = line.strip();
      if (current.length() == 0 && (stripped.isEmpty() || stripped.startsWith("#"))) {
        continue;
      }
      if (stripped.endsWith("\\")) {
        current.append(stripped, 0, stripped.length() - 1).append(' ');
      } else {
        current.append(stripped);
        commands.add(current.toString());
        current.setLength(0);
      }
    }
    return commands;
  }

  /** {@code text} for branch-north, and again for each other branch when it names branch-north alone. */
  private static List<String[]> variants(String text) {
    List<String[]> variants = new ArrayList<>();
    variants.add(new String[] {text, "branch-north"});
    if (text.contains("branch-north") && OTHER_BRANCHES.stream().noneMatch(text::contains)) {
      for (String other : OTHER_BRANCHES) {
        variants.add(new String[] {text.replace("branch-north", other), other});
      }
    }
    return variants;
  }

  private static String substitute(String text, Path opt, Map<String, String> ports, String site) {
    String adminPort = ports.getOrDefault(site + ":7480", ports.get("7480"));
    return text.replace(" /opt", " " + opt).replace("=/opt", "=" + opt)
        .replace("fl.acme.example", "localhost")
        .replace("7443", ports.get("7443"))
        .replace("7480", adminPort);
  }

  /**
   * Each branch's customers (a third of the bundled churn data each, so the README's example
   * customers 7590-VHVEG and 5575-GNVDE are at branch-north; branch-east's in a PostgreSQL table, its
   * password in an owner-only file) and a consent export granting churn to all of them but every
   * twelfth, who opted out.
   */
  private static void writeSiteData(Path work, String eastUrl, String user, String password) throws Exception {
    List<String> rows;
    try (InputStream in = ReadmeWalkthroughTest.class.getResourceAsStream("/demo/ibm_telco_churn.csv")) {
      assertTrue(in != null, "the cli jar bundles demo/ibm_telco_churn.csv");
      rows = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    }
    String header = rows.get(0);
    List<String> records = rows.subList(1, rows.size());
    List<String> sites = List.of("branch-north", "branch-south", "branch-east");
    int per = (records.size() + sites.size() - 1) / sites.size();
    for (int s = 0; s < sites.size(); s++) {
      List<String> mine = records.subList(s * per, Math.min(records.size(), (s + 1) * per));
      Path siteDir = Files.createDirectories(work.resolve(sites.get(s)));
      if (sites.get(s).equals("branch-east")) {
        loadTable(eastUrl, user, password, header, mine);
        Path pass = siteDir.resolve("db.pass");
        Files.writeString(pass, password + "\n");
        Files.setPosixFilePermissions(pass, PosixFilePermissions.fromString("rw-------"));
      } else {
        List<String> csv = new ArrayList<>(List.of(header));
        csv.addAll(mine);
        Files.write(Files.createDirectories(siteDir.resolve("data")).resolve("customers.csv"), csv);
      }
      List<String> consent = new ArrayList<>(List.of("subject_id,purpose,state,since"));
      for (int i = 0; i < mine.size(); i++) {
        String id = mine.get(i).substring(0, mine.get(i).indexOf(','));
        consent.add(id + ",churn," + (i % 12 == 11 ? "revoked" : "granted") + ",2026-01-01");
      }
      Files.write(siteDir.resolve("consent.csv"), consent);
    }
  }

  /** A {@code customers} table of text columns named as the CSV header, holding {@code records}. */
  private static void loadTable(String url, String user, String password, String header, List<String> records)
      throws Exception {
    String[] columns = header.split(",");
    StringBuilder ddl = new StringBuilder("CREATE TABLE customers (");
    StringBuilder insert = new StringBuilder("INSERT INTO customers VALUES (");
    for (int i = 0; i < columns.length; i++) {
      ddl.append(i == 0 ? "" : ", ").append('"').append(columns[i]).append("\" TEXT");
      insert.append(i == 0 ? "?" : ", ?");
    }
    try (Connection c = DriverManager.getConnection(url, user, password); Statement st = c.createStatement()) {
      st.execute(ddl.append(')').toString());
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement(insert.append(')').toString())) {
        for (String record : records) {
          String[] cells = record.split(",", -1);
          assertEquals(columns.length, cells.length, "the bundled churn data has no quoted commas: " + record);
          for (int i = 0; i < cells.length; i++) {
            ps.setString(i + 1, cells[i]);
          }
          ps.addBatch();
        }
        ps.executeBatch();
      }
      c.commit();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static String tail(String output) {
    return output.length() > 6000 ? output.substring(output.length() - 6000) : output;
  }

  private static String serverLogs(Path work) throws IOException {
    StringBuilder out = new StringBuilder();
    Path logs = work.resolve("logs");
    if (Files.isDirectory(logs)) {
      try (var files = Files.list(logs)) {
        for (Path f : files.sorted().toList()) {
          out.append("--- ").append(f.getFileName()).append('\n').append(tail(Files.readString(f))).append('\n');
        }
      }
    }
    return out.toString();
  }
}
