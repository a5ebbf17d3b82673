package dev.tandem.node.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.model.yaml.YamlLines;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tandem.certs.KeyPassphrase;
import dev.tandem.certs.Pem;
import dev.tandem.node.admin.AdminConfig;
import dev.tandem.node.consent.ConsentPolicy;
import dev.tandem.db.DatabaseServerSetting;
import dev.tandem.node.db.NodeDatabase;
import dev.tandem.node.db.OwnerOnlyFiles;
import dev.tandem.node.data.CsvSource;
import dev.tandem.node.data.DataSource;
import dev.tandem.node.data.DataSourceConfig;
import dev.tandem.node.data.SqlSource;
import dev.tandem.node.policy.SitePolicy;
import dev.tandem.node.vertical.VerticalPolicy;
import dev.tandem.node.watch.WatchConfig;
import java.util.Set;
import java.util.TreeSet;
import dev.tandem.node.privacy.PrivacyBudget;
import dev.tandem.node.privacy.PrivacyBudgets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A node's configuration, read from one YAML file; relative paths resolve against the file's folder.
 *
 * <pre>
 * site: branch-north
 * coordinator: 127.0.0.1:7443
 * tls: {cert: branch-north.pem, key: branch-north.key, ca: ca.pem, crl: crl.pem}
 *                              # keyPassphraseFile: key.pass  (optional: the passphrase of an encrypted
 *                              # key; else TANDEM_KEY_PASSPHRASE)
 * data:
 *   csv: branch-north.csv      # or sql: a query (docs/DATA_SOURCES.md)
 *                              # sql: {url: "jdbc:postgresql://db:5432/bank", user: tandem,
 *                              #       passwordFile: db.pass, query: "SELECT ... ORDER BY id"}
 *   idColumn: customerID
 *   testCsv: held-out.csv      # optional, or testSql: {...}: a held-out source of the same layout
 *   testFraction: 0.2          # held-out share, split by a hash of the id
 *   splitSeed: 7
 *   columns: {tenure: tenure_months}   # federation feature name: local column (optional)
 * database: node-db            # a path (embedded H2) or a jdbc: URL, or for a database server:
 * # database: {url: jdbc:postgresql://db.example:5432/tandem_node, user: tandem,
 * #            passwordFile: node-db.password}   # the password file owner-only (0600)
 * databaseKeyFile: node-db.key # optional: encrypt the embedded database at rest (H2 CIPHER=AES) with
 *                              # the key in this file (created owner-only with a new database)
 * maxMessageBytes: 134217728   # default 128 MiB: a vertical job's SSHE_SETUP relays every party's encrypted features
 * privacy:                     # record-level DP budgets this node enforces (default: epsilon 10, delta 1e-5)
 *   epsilon: 8                 # for every purpose not listed below
 *   delta: 1.0e-5
 *   purposes: {churn: {epsilon: 3, delta: 1.0e-5}}
 * consent:                     # what this node takes part in (default: nothing)
 *   purposes: [churn]          # it trains only for these, only on records consented for the job's purpose
 *   partners: [branch-south]   # accepted partner sites in a job (default: any federation site)
 *   minCohort: 20              # it refuses to contribute from fewer consented records
 * vertical:                    # what it requires of every vertical job (default: as below)
 *   minBatchSize: 32           # site minimum of the batch floor, max(this, 1 + widest party's columns)
 *   maxPeerSetFactor: 2.0      # refuses to re-blind a peer's PSI set over this x its own consented set
 *   allowTestingKeys: false    # true accepts 1024-bit Paillier keys: for tests only
 *   maxScoredPerDay: 100000    # ids one requester may have scored per purpose per UTC day
 * admin:                       # the local admin HTTP API (default: 127.0.0.1:7480, token in admin-token)
 *   host: 127.0.0.1
 *   port: 7480                 # 0: any free port (logged)
 *   tokenFile: admin-token     # bearer token, generated owner-only at first start
 * policy:                      # the site policy every job must meet (docs/SITE_POLICY.md; default: as below)
 *   requireSecureAggregation: true   # a horizontal job must use secure aggregation
 *   minTrainingCohort: 20      # default consent.minCohort
 *   minEvaluationCohort: 20    # default and floor: minTrainingCohort
 *   minPaillierBits: 2048      # vertical jobs; 1024 only with vertical.allowTestingKeys
 *   dp: {required: false, maxEpsilonPerJob: 3, minNoiseMultiplier: 0.8}   # required by default for a
 *                              # purpose with a budget in privacy.purposes
 *   purposes:                  # per purpose: the keys above, and columns
 *     churn: {columns: [tenure, MonthlyCharges, Churn], partners: [branch-south]}
 * watch:                       # leak detection (docs/LEAK_DETECTION.md; default: on, as in WatchConfig)
 *   maxOutsideIds: 1000        # e.g. ids asked per window that this node does not hold with consent
 *   hours: "06:00-22:00"       # optional: access outside these hours raises an alert
 * </pre>
 *
 * <p>{@code admin} is null when the API is off (the programmatic constructors). Unknown keys at every
 * depth are refused with the file, the line and the key probably meant; so are values of the wrong
 * type, numbers outside their range and impossible settings.
 */
public record NodeConfig(String site, String coordinator, TlsFiles tls, DataSourceConfig data,
    String databaseUrl, int maxMessageBytes, PrivacyBudgets privacy, ConsentPolicy consent, AdminConfig admin,
    VerticalPolicy vertical, SitePolicy policy, WatchConfig watch) {

  public static final int DEFAULT_MAX_MESSAGE_BYTES = 128 * 1024 * 1024;

  public NodeConfig {
    if (site == null || site.isBlank()) {
      throw new IllegalArgumentException("site must be set");
    }
    if (coordinator == null || !coordinator.contains(":")) {
      throw new IllegalArgumentException("coordinator must be host:port, got " + coordinator);
    }
    if (tls == null || data == null) {
      throw new IllegalArgumentException("tls and data must be set");
    }
    if (databaseUrl == null || databaseUrl.isBlank()) {
      throw new IllegalArgumentException("database must be set");
    }
    if (maxMessageBytes < 1024) {
      throw new IllegalArgumentException("maxMessageBytes must be at least 1024, got " + maxMessageBytes);
    }
    if (privacy == null || consent == null || vertical == null) {
      throw new IllegalArgumentException("privacy budgets, consent policy and vertical policy must be set");
    }
  }

  /** A node with the default leak detection ({@link #watch()} null: {@link WatchConfig#defaults()}). */
  public NodeConfig(String site, String coordinator, TlsFiles tls, DataSourceConfig data, String databaseUrl,
      int maxMessageBytes, PrivacyBudgets privacy, ConsentPolicy consent, AdminConfig admin, VerticalPolicy vertical,
      SitePolicy policy) {
    this(site, coordinator, tls, data, databaseUrl, maxMessageBytes, privacy, consent, admin, vertical, policy, null);
  }

  /** A node with the default site policy ({@link #policy()} null: derived from the other sections). */
  public NodeConfig(String site, String coordinator, TlsFiles tls, DataSourceConfig data, String databaseUrl,
      int maxMessageBytes, PrivacyBudgets privacy, ConsentPolicy consent, AdminConfig admin, VerticalPolicy vertical) {
    this(site, coordinator, tls, data, databaseUrl, maxMessageBytes, privacy, consent, admin, vertical, null, null);
  }

  /** A node with an admin API (or none) and the default vertical policy. */
  public NodeConfig(String site, String coordinator, TlsFiles tls, DataSourceConfig data, String databaseUrl,
      int maxMessageBytes, PrivacyBudgets privacy, ConsentPolicy consent, AdminConfig admin) {
    this(site, coordinator, tls, data, databaseUrl, maxMessageBytes, privacy, consent, admin,
        VerticalPolicy.defaults());
  }

  /**
   * The site policy every job must satisfy: as configured, else {@link SitePolicy#defaults} from the
   * consent policy (cohort, partners), the privacy budgets (a purpose with its own budget requires DP)
   * and the vertical section's key floor.
   */
  @Override
  public SitePolicy policy() {
    return policy != null ? policy : SitePolicy.defaults(consent.minCohort(), consent.partners(),
        privacy.byPurpose().keySet(), keyFloor(vertical));
  }

  /** The leak detection settings: as configured, else {@link WatchConfig#defaults()}. */
  @Override
  public WatchConfig watch() {
    return watch != null ? watch : WatchConfig.defaults();
  }

  /** This configuration with other leak detection settings (null: the defaults). */
  public NodeConfig withWatch(WatchConfig w) {
    return new NodeConfig(site, coordinator, tls, data, databaseUrl, maxMessageBytes, privacy, consent, admin,
        vertical, policy, w);
  }

  /** The smallest Paillier modulus the vertical section allows. */
  static int keyFloor(VerticalPolicy vertical) {
    return vertical.allowTestingKeys() ? 1024 : VerticalPolicy.MIN_KEY_BITS;
  }

  /** This configuration with another vertical policy. */
  public NodeConfig withVertical(VerticalPolicy v) {
    return new NodeConfig(site, coordinator, tls, data, databaseUrl, maxMessageBytes, privacy, consent, admin, v,
        policy, watch);
  }

  /** This configuration with another site policy (null: the defaults). */
  public NodeConfig withPolicy(SitePolicy p) {
    return new NodeConfig(site, coordinator, tls, data, databaseUrl, maxMessageBytes, privacy, consent, admin,
        vertical, p, watch);
  }

  /** A node with a consent policy and no admin API. */
  public NodeConfig(String site, String coordinator, TlsFiles tls, DataSourceConfig data, String databaseUrl,
      int maxMessageBytes, PrivacyBudgets privacy, ConsentPolicy consent) {
    this(site, coordinator, tls, data, databaseUrl, maxMessageBytes, privacy, consent, null);
  }

  /** A node with the given budgets that serves no purpose ({@link ConsentPolicy#servingNothing()}). */
  public NodeConfig(String site, String coordinator, TlsFiles tls, DataSourceConfig data, String databaseUrl,
      int maxMessageBytes, PrivacyBudgets privacy) {
    this(site, coordinator, tls, data, databaseUrl, maxMessageBytes, privacy, ConsentPolicy.servingNothing(), null);
  }

  /** A node with the default privacy budgets ({@link PrivacyBudgets#defaults()}). */
  public NodeConfig(String site, String coordinator, TlsFiles tls, DataSourceConfig data, String databaseUrl,
      int maxMessageBytes) {
    this(site, coordinator, tls, data, databaseUrl, maxMessageBytes, PrivacyBudgets.defaults(),
        ConsentPolicy.servingNothing(), null);
  }

  /**
   * The node's certificate and key, the federation CA, the CRL (optional) and the file holding the
   * key's passphrase (optional: without it an encrypted key takes its passphrase from {@value
   * KeyPassphrase#ENVIRONMENT_VARIABLE}).
   */
  public record TlsFiles(Path cert, Path key, Path ca, Path crl, Path keyPassphraseFile) {
    public TlsFiles {
      if (cert == null || key == null || ca == null) {
        throw new IllegalArgumentException("tls.cert, tls.key and tls.ca must be set");
      }
    }

    /** Files with an unencrypted key, or one whose passphrase is in the environment. */
    public TlsFiles(Path cert, Path key, Path ca, Path crl) {
      this(cert, key, ca, crl, null);
    }

    /**
     * Reads the node's private key, decrypting it if it is encrypted.
     *
     * @throws IllegalArgumentException if the key is encrypted and its passphrase is missing or wrong
     */
    public PrivateKey privateKey() {
      return Pem.readPrivateKey(key, KeyPassphrase.fileOrEnvironment(keyPassphraseFile));
    }
  }

  /**
   * Reads the YAML file. Every key is checked: an unknown or misspelt key at any depth, a value of the
   * wrong type or a number outside its range is refused with the file, the line and (for a typo) the
   * key it probably meant.
   *
   * @throws IllegalArgumentException naming the file and the bad or missing key
   */
  public static NodeConfig load(Path file) {
    return load(file, true);
  }

  /**
   * Reads and checks the YAML file as {@link #load} does, without creating anything: the database's
   * password and key files are neither read nor created, so its {@link #databaseUrl()} holds no secret
   * and is for display only ({@code tandem config check}).
   *
   * @throws IllegalArgumentException naming the file, the line and the bad or missing key
   */
  public static NodeConfig check(Path file) {
    return load(file, false);
  }

  private static NodeConfig load(Path file, boolean openDatabase) {
    JsonNode root;
    YamlLines lines;
    try {
      String text = Files.readString(file);
      lines = YamlLines.of(text);
      root = new ObjectMapper(new YAMLFactory()).readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read node config " + file + ": " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException(file + ": expected a YAML mapping");
    }
    Path dir = file.toAbsolutePath().getParent();
    try {
      lines.requireKnown(root, "", KEYS);
      JsonNode tls = required(root, "tls");
      known(tls, "tls", Set.of("cert", "key", "ca", "crl", "keyPassphraseFile"), lines);
      DataSourceConfig source = data(dir, required(root, "data"), lines);
      String crl = lines.text(tls, "tls", "crl", null);
      String passphrase = lines.text(tls, "tls", "keyPassphraseFile", null);
      NodeConfig config = new NodeConfig(
          lines.requiredText(root, "", "site"),
          lines.requiredText(root, "", "coordinator"),
          new TlsFiles(resolve(dir, lines.requiredText(tls, "tls", "cert")),
              resolve(dir, lines.requiredText(tls, "tls", "key")),
              resolve(dir, lines.requiredText(tls, "tls", "ca")),
              crl == null ? null : resolve(dir, crl),
              passphrase == null ? null : resolve(dir, passphrase)),
          source,
          database(dir, root.get("database"), databaseKeyFile(dir, root, lines), lines, openDatabase),
          lines.integer(root, "", "maxMessageBytes", 1024, Integer.MAX_VALUE, DEFAULT_MAX_MESSAGE_BYTES),
          budgets(root.path("privacy"), lines),
          consent(root.path("consent"), lines),
          admin(dir, root.path("admin"), lines),
          vertical(root.path("vertical"), lines));
      return config.withPolicy(PolicyYaml.read(root.path("policy"), lines, config.consent(), config.privacy(),
          keyFloor(config.vertical()))).withWatch(WatchConfig.read(root.path("watch"), lines));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  private static final Set<String> DATA_KEYS = Set.of("csv", "sql", "idColumn", "columns", "testCsv", "testSql",
      "testFraction", "splitSeed");
  private static final Set<String> SQL_KEYS = Set.of("url", "user", "passwordFile", "query");

  /** The data section: exactly one of csv and sql, at most one of testCsv and testSql; every key known. */
  private static DataSourceConfig data(Path dir, JsonNode data, YamlLines lines) {
    known(data, "data", DATA_KEYS, lines);
    DataSource source = source(dir, data, "csv", "sql", lines);
    if (source == null) {
      throw lines.error("data", "needs a source: csv (a file) or sql (a query)");
    }
    DataSource heldOut = source(dir, data, "testCsv", "testSql", lines);
    Map<String, String> columns = new LinkedHashMap<>();
    JsonNode columnMap = data.path("columns");
    if (!columnMap.isMissingNode() && !columnMap.isNull()) {
      if (!columnMap.isObject()) {
        throw lines.error("data.columns", "must be a mapping of federation feature name to local column");
      }
      columnMap.fieldNames().forEachRemaining(k -> columns.put(k, lines.requiredText(columnMap, "data.columns", k)));
    }
    return new DataSourceConfig(source, lines.requiredText(data, "data", "idColumn"), columns, heldOut,
        lines.decimal(data, "data", "testFraction", 0, false, 0.99, DataSourceConfig.DEFAULT_TEST_FRACTION),
        lines.whole(data, "data", "splitSeed", Long.MIN_VALUE, Long.MAX_VALUE, 0));
  }

  /** The file under {@code csvKey} or the query under {@code sqlKey}; null when neither is set, refused when both are. */
  private static DataSource source(Path dir, JsonNode data, String csvKey, String sqlKey, YamlLines lines) {
    boolean csv = data.hasNonNull(csvKey);
    boolean sql = data.hasNonNull(sqlKey);
    if (csv && sql) {
      throw lines.error("data." + sqlKey, "and data." + csvKey + " are both set: a source is one file or one query");
    }
    if (csv) {
      return new CsvSource(resolve(dir, lines.requiredText(data, "data", csvKey)));
    }
    if (!sql) {
      return null;
    }
    String path = "data." + sqlKey;
    JsonNode q = data.get(sqlKey);
    known(q, path, SQL_KEYS, lines);
    String url = lines.requiredText(q, path, "url");
    if (!url.startsWith("jdbc:")) {
      throw lines.error(path + ".url", "must be a jdbc: URL, e.g. jdbc:postgresql://host:5432/database");
    }
    String user = lines.text(q, path, "user", null);
    String password = lines.text(q, path, "passwordFile", null);
    return new SqlSource(url, user, password == null ? null : resolve(dir, password),
        lines.requiredText(q, path, "query"));
  }

  private static AdminConfig admin(Path dir, JsonNode a, YamlLines lines) {
    if (!a.isMissingNode() && !a.isNull()) {
      known(a, "admin", Set.of("host", "port", "tokenFile"), lines);
    }
    return new AdminConfig(lines.text(a, "admin", "host", AdminConfig.DEFAULT_HOST),
        lines.integer(a, "admin", "port", 0, 65535, AdminConfig.DEFAULT_PORT),
        resolve(dir, lines.text(a, "admin", "tokenFile", "admin-token")));
  }

  private static final Set<String> KEYS = Set.of("site", "coordinator", "tls", "data", "database",
      "databaseKeyFile", "maxMessageBytes", "privacy", "consent", "vertical", "admin", "policy", "watch");

  private static void known(JsonNode node, String path, Set<String> keys, YamlLines lines) {
    lines.requireKnown(node, path, keys);
  }

  private static double number(JsonNode node, String path, String key, double fallback, YamlLines lines) {
    JsonNode v = node.path(key);
    if (v.isMissingNode()) {
      return fallback;
    }
    return "delta".equals(key) ? lines.decimal(node, path, key, 0, true, 0.999999, fallback)
        : lines.decimal(node, path, key, 0, true, Double.MAX_VALUE, fallback);
  }

  private static ConsentPolicy consent(JsonNode c, YamlLines lines) {
    if (c.isMissingNode() || c.isNull()) {
      return ConsentPolicy.servingNothing();
    }
    known(c, "consent", Set.of("purposes", "partners", "minCohort"), lines);
    int minCohort = lines.integer(c, "consent", "minCohort", 1, Integer.MAX_VALUE, ConsentPolicy.DEFAULT_MIN_COHORT);
    Set<String> purposes = new TreeSet<>();
    c.path("purposes").forEach(p -> purposes.add(p.asText()));
    Set<String> partners = new TreeSet<>();
    c.path("partners").forEach(p -> partners.add(p.asText()));
    return new ConsentPolicy(purposes, partners, minCohort);
  }

  private static final Set<String> VERTICAL_KEYS = Set.of("minBatchSize", "maxPeerSetFactor", "allowTestingKeys",
      "maxScoredPerDay");

  private static VerticalPolicy vertical(JsonNode v, YamlLines lines) {
    if (v.isMissingNode() || v.isNull()) {
      return VerticalPolicy.defaults();
    }
    known(v, "vertical", VERTICAL_KEYS, lines);
    return new VerticalPolicy(
        lines.integer(v, "vertical", "minBatchSize", 1, Integer.MAX_VALUE, VerticalPolicy.DEFAULT_MIN_BATCH_SIZE),
        lines.bool(v, "vertical", "allowTestingKeys", false),
        lines.decimal(v, "vertical", "maxPeerSetFactor", 1, false, 1e6, VerticalPolicy.DEFAULT_MAX_PEER_SET_FACTOR),
        lines.integer(v, "vertical", "maxScoredPerDay", 1, Integer.MAX_VALUE,
            VerticalPolicy.DEFAULT_MAX_SCORED_PER_DAY));
  }

  private static PrivacyBudgets budgets(JsonNode p, YamlLines lines) {
    if (p.isMissingNode() || p.isNull()) {
      return PrivacyBudgets.defaults();
    }
    known(p, "privacy", Set.of("epsilon", "delta", "purposes"), lines);
    PrivacyBudget base = new PrivacyBudget(number(p, "privacy", "epsilon", PrivacyBudget.DEFAULT.epsilon(), lines),
        number(p, "privacy", "delta", PrivacyBudget.DEFAULT.delta(), lines));
    Map<String, PrivacyBudget> byPurpose = new LinkedHashMap<>();
    JsonNode purposes = p.path("purposes");
    if (!purposes.isMissingNode() && !purposes.isObject()) {
      throw new IllegalArgumentException(lines.at("privacy.purposes")
          + "privacy.purposes must be a mapping of purpose to {epsilon, delta}");
    }
    purposes.fields().forEachRemaining(e -> {
      String path = "privacy.purposes." + e.getKey();
      known(e.getValue(), path, Set.of("epsilon", "delta"), lines);
      double epsilon = number(e.getValue(), path, "epsilon", Double.NaN, lines);
      if (Double.isNaN(epsilon)) {
        throw new IllegalArgumentException(lines.at(path) + "missing key '" + path + ".epsilon'");
      }
      try {
        byPurpose.put(e.getKey(), new PrivacyBudget(epsilon, number(e.getValue(), path, "delta", base.delta(), lines)));
      } catch (IllegalArgumentException bad) {
        throw new IllegalArgumentException(lines.at(path) + path + ": " + bad.getMessage(), bad);
      }
    });
    return new PrivacyBudgets(base, byPurpose);
  }

  private static Path databaseKeyFile(Path dir, JsonNode root, YamlLines lines) {
    JsonNode k = root.path("databaseKeyFile");
    if (k.isMissingNode() || k.isNull()) {
      return null;
    }
    if (!k.isTextual() || k.asText().isBlank()) {
      throw new IllegalArgumentException(lines.at("databaseKeyFile") + "databaseKeyFile must be a file name, got '"
          + k.asText() + "'");
    }
    if (root.path("database").asText().startsWith("jdbc:") || root.path("database").isObject()) {
      throw new IllegalArgumentException(lines.at("databaseKeyFile") + "databaseKeyFile encrypts the embedded"
          + " database; with a jdbc: URL as database, encryption at rest is that database's own setting");
    }
    return resolve(dir, k.asText());
  }

  private static String displayUrl(Path dir, String database, Path keyFile) {
    return database.startsWith("jdbc:") ? database : "jdbc:h2:file:" + resolve(dir, database).toAbsolutePath()
        + (keyFile == null ? "" : ";CIPHER=AES");
  }

  /**
   * The {@code database} key: a path or a {@code jdbc:} URL ({@link #databaseUrl}), or a mapping
   * {@code {url, user, passwordFile}} for a database server (the password read from an owner-only
   * file). With {@code open} false the URL is for display and holds no password.
   */
  private static String database(Path dir, JsonNode d, Path keyFile, YamlLines lines, boolean open) {
    if (d == null || d.isNull()) {
      throw new IllegalArgumentException("missing key 'database'");
    }
    if (d.isTextual()) {
      return open ? databaseUrl(dir, d.asText(), keyFile) : displayUrl(dir, d.asText(), keyFile);
    }
    return DatabaseServerSetting.url(d, lines, dir, open);
  }

  /** A plain path becomes an embedded H2 database file; a {@code jdbc:} URL is used as it is. */
  public static String databaseUrl(Path baseDir, String database) {
    return databaseUrl(baseDir, database, null);
  }

  /**
   * A plain path becomes an embedded H2 database file, closed to other hosts and users: its
   * {@code AUTO_SERVER} (for the administrative commands while the node runs) listens on loopback
   * only and needs the random password kept owner-only in {@code PATH.password} (created at the
   * first load); with {@code keyFile} the file is encrypted (AES) under the key in it, created
   * owner-only with a new database. A {@code jdbc:} URL is used as it is.
   *
   * @throws IllegalStateException if {@code keyFile} is missing for an existing database
   */
  public static String databaseUrl(Path baseDir, String database, Path keyFile) {
    if (database.startsWith("jdbc:")) {
      return database;
    }
    Path db = resolve(baseDir, database).toAbsolutePath();
    String password = OwnerOnlyFiles.readOrCreateSecret(Path.of(db + ".password"), "database password");
    String url = "jdbc:h2:file:" + db + ";AUTO_SERVER=TRUE;TRACE_LEVEL_FILE=0";
    if (keyFile == null) {
      return url + ";PASSWORD=" + password;
    }
    if (!Files.exists(keyFile) && Files.exists(Path.of(db + ".mv.db"))) {
      throw new IllegalStateException("the database key file " + keyFile + " is missing, and " + db
          + ".mv.db exists: an encrypted database cannot be opened without its key (and an unencrypted one is not"
          + " encrypted in place)");
    }
    String key = OwnerOnlyFiles.readOrCreateSecret(keyFile, "database key");
    if (key.contains(" ") || key.contains(";")) {
      throw new IllegalStateException("the database key file " + keyFile + " must hold one word without ';'");
    }
    return url + ";CIPHER=AES;PASSWORD=" + key + " " + password;
  }

  /**
   * Where the node keeps its pseudonym secret, owner-only and outside the database: next to an
   * embedded database ({@code PATH.pseudonym-secret}), else next to the node's TLS key
   * ({@code pseudonym-secret}).
   */
  public Path pseudonymSecretFile() {
    String prefix = "jdbc:h2:file:";
    if (databaseUrl.startsWith(prefix)) {
      String rest = databaseUrl.substring(prefix.length());
      int semicolon = rest.indexOf(';');
      Path db = Path.of(semicolon < 0 ? rest : rest.substring(0, semicolon));
      if (db.isAbsolute()) {
        return Path.of(db + ".pseudonym-secret");
      }
    }
    return tls.key().toAbsolutePath().resolveSibling("pseudonym-secret");
  }

  @Override
  public String toString() {
    return "NodeConfig[site=" + site + ", coordinator=" + coordinator + ", database="
        + NodeDatabase.redact(databaseUrl) + "]";
  }

  private static JsonNode required(JsonNode node, String key) {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      throw new IllegalArgumentException("missing key '" + key + "'");
    }
    return v;
  }

  private static Path resolve(Path dir, String p) {
    Path path = Path.of(p);
    return path.isAbsolute() ? path : dir.resolve(path).normalize();
  }
}
