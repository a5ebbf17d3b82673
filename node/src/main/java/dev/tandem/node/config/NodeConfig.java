package dev.tandem.node.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tandem.node.admin.AdminConfig;
import dev.tandem.node.consent.ConsentPolicy;
import dev.tandem.node.data.DataSourceConfig;
import dev.tandem.node.vertical.VerticalPolicy;
import java.util.Set;
import java.util.TreeSet;
import dev.tandem.node.privacy.PrivacyBudget;
import dev.tandem.node.privacy.PrivacyBudgets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A node's configuration, read from one YAML file; relative paths resolve against the file's folder.
 *
 * <pre>
 * site: branch-north
 * coordinator: 127.0.0.1:7443
 * tls: {cert: branch-north.pem, key: branch-north.key, ca: ca.pem, crl: crl.pem}
 * data:
 *   csv: branch-north.csv
 *   idColumn: customerID
 *   testFraction: 0.2          # held-out share, split by a hash of the id
 *   splitSeed: 7
 *   columns: {tenure: tenure_months}   # federation feature name: local column (optional)
 * database: node-db            # a path (embedded H2) or a jdbc: URL
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
 * admin:                       # the local admin HTTP API (default: 127.0.0.1:7480, token in admin-token)
 *   host: 127.0.0.1
 *   port: 7480                 # 0: any free port (logged)
 *   tokenFile: admin-token     # bearer token, generated owner-only at first start
 * </pre>
 *
 * <p>{@code admin} is null when the API is off (the programmatic constructors). The {@code vertical}
 * block takes only the keys above; any other is refused.
 */
public record NodeConfig(String site, String coordinator, TlsFiles tls, DataSourceConfig data,
    String databaseUrl, int maxMessageBytes, PrivacyBudgets privacy, ConsentPolicy consent, AdminConfig admin,
    VerticalPolicy vertical) {

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

  /** A node with an admin API (or none) and the default vertical policy. */
  public NodeConfig(String site, String coordinator, TlsFiles tls, DataSourceConfig data, String databaseUrl,
      int maxMessageBytes, PrivacyBudgets privacy, ConsentPolicy consent, AdminConfig admin) {
    this(site, coordinator, tls, data, databaseUrl, maxMessageBytes, privacy, consent, admin,
        VerticalPolicy.defaults());
  }

  /** This configuration with another vertical policy. */
  public NodeConfig withVertical(VerticalPolicy policy) {
    return new NodeConfig(site, coordinator, tls, data, databaseUrl, maxMessageBytes, privacy, consent, admin, policy);
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

  /** The node's certificate and key, the federation CA, and the CRL (optional). */
  public record TlsFiles(Path cert, Path key, Path ca, Path crl) {
    public TlsFiles {
      if (cert == null || key == null || ca == null) {
        throw new IllegalArgumentException("tls.cert, tls.key and tls.ca must be set");
      }
    }
  }

  /**
   * Reads the YAML file.
   *
   * @throws IllegalArgumentException naming the file and the bad or missing key
   */
  public static NodeConfig load(Path file) {
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read node config " + file + ": " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException(file + ": expected a YAML mapping");
    }
    Path dir = file.toAbsolutePath().getParent();
    try {
      JsonNode tls = required(root, "tls");
      JsonNode data = required(root, "data");
      Map<String, String> columns = new LinkedHashMap<>();
      data.path("columns").fields().forEachRemaining(e -> columns.put(e.getKey(), e.getValue().asText()));
      DataSourceConfig source = new DataSourceConfig(
          resolve(dir, required(data, "csv").asText()),
          required(data, "idColumn").asText(),
          columns,
          data.hasNonNull("testCsv") ? resolve(dir, data.get("testCsv").asText()) : null,
          data.path("testFraction").asDouble(0.2),
          data.path("splitSeed").asLong(0));
      return new NodeConfig(
          required(root, "site").asText(),
          required(root, "coordinator").asText(),
          new TlsFiles(resolve(dir, required(tls, "cert").asText()), resolve(dir, required(tls, "key").asText()),
              resolve(dir, required(tls, "ca").asText()),
              tls.hasNonNull("crl") ? resolve(dir, tls.get("crl").asText()) : null),
          source,
          databaseUrl(dir, required(root, "database").asText()),
          root.path("maxMessageBytes").asInt(DEFAULT_MAX_MESSAGE_BYTES),
          budgets(root.path("privacy")),
          consent(root.path("consent")),
          admin(dir, root.path("admin")),
          vertical(root.path("vertical")));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  private static AdminConfig admin(Path dir, JsonNode a) {
    return new AdminConfig(a.path("host").asText(AdminConfig.DEFAULT_HOST),
        a.path("port").asInt(AdminConfig.DEFAULT_PORT), resolve(dir, a.path("tokenFile").asText("admin-token")));
  }

  private static ConsentPolicy consent(JsonNode c) {
    if (c.isMissingNode() || c.isNull()) {
      return ConsentPolicy.servingNothing();
    }
    Set<String> purposes = new TreeSet<>();
    c.path("purposes").forEach(p -> purposes.add(p.asText()));
    Set<String> partners = new TreeSet<>();
    c.path("partners").forEach(p -> partners.add(p.asText()));
    return new ConsentPolicy(purposes, partners, c.path("minCohort").asInt(ConsentPolicy.DEFAULT_MIN_COHORT));
  }

  private static final Set<String> VERTICAL_KEYS = Set.of("minBatchSize", "maxPeerSetFactor", "allowTestingKeys");

  private static VerticalPolicy vertical(JsonNode v) {
    if (v.isMissingNode() || v.isNull()) {
      return VerticalPolicy.defaults();
    }
    if (!v.isObject()) {
      throw new IllegalArgumentException("vertical must be a mapping of " + new TreeSet<>(VERTICAL_KEYS));
    }
    v.fieldNames().forEachRemaining(k -> {
      if (!VERTICAL_KEYS.contains(k)) {
        throw new IllegalArgumentException("unknown key 'vertical." + k + "' (known: " + new TreeSet<>(VERTICAL_KEYS)
            + ")");
      }
    });
    JsonNode min = v.path("minBatchSize");
    JsonNode factor = v.path("maxPeerSetFactor");
    JsonNode testing = v.path("allowTestingKeys");
    if (!min.isMissingNode() && !min.isInt()) {
      throw new IllegalArgumentException("vertical.minBatchSize must be an integer, got '" + min.asText() + "'");
    }
    if (!factor.isMissingNode() && !factor.isNumber()) {
      throw new IllegalArgumentException("vertical.maxPeerSetFactor must be a number, got '" + factor.asText() + "'");
    }
    if (!testing.isMissingNode() && !testing.isBoolean()) {
      throw new IllegalArgumentException("vertical.allowTestingKeys must be true or false, got '" + testing.asText()
          + "'");
    }
    return new VerticalPolicy(min.asInt(VerticalPolicy.DEFAULT_MIN_BATCH_SIZE),
        testing.asBoolean(false), factor.asDouble(VerticalPolicy.DEFAULT_MAX_PEER_SET_FACTOR));
  }

  private static PrivacyBudgets budgets(JsonNode p) {
    if (p.isMissingNode() || p.isNull()) {
      return PrivacyBudgets.defaults();
    }
    PrivacyBudget base = new PrivacyBudget(p.path("epsilon").asDouble(PrivacyBudget.DEFAULT.epsilon()),
        p.path("delta").asDouble(PrivacyBudget.DEFAULT.delta()));
    Map<String, PrivacyBudget> byPurpose = new LinkedHashMap<>();
    p.path("purposes").fields().forEachRemaining(e -> byPurpose.put(e.getKey(), new PrivacyBudget(
        required(e.getValue(), "epsilon").asDouble(), e.getValue().path("delta").asDouble(base.delta()))));
    return new PrivacyBudgets(base, byPurpose);
  }

  /** A plain path becomes an embedded H2 database file; a {@code jdbc:} URL is used as it is. */
  public static String databaseUrl(Path baseDir, String database) {
    if (database.startsWith("jdbc:")) {
      return database;
    }
    return "jdbc:h2:file:" + resolve(baseDir, database).toAbsolutePath() + ";AUTO_SERVER=TRUE";
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
