package dev.tandem.coordinator.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tandem.certs.KeyPassphrase;
import dev.tandem.certs.Pem;
import dev.tandem.coordinator.store.EmbeddedDatabase;
import dev.tandem.db.DatabaseServerSetting;
import dev.tandem.model.yaml.YamlLines;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The coordinator's configuration, read from one YAML file.
 *
 * <p>Relative paths are resolved against the directory of the YAML file. Defaults: host
 * {@code 127.0.0.1}, port 7443, round timeout 120 s, connect timeout 60 s, max message 128 MiB (a vertical job's
 * SSHE_SETUP relays each party's encrypted features: about 30 MB per recipient for 30,000 rows at
 * 2048 bits).
 */
public record CoordinatorConfig(
    String host,
    int port,
    TlsFiles tls,
    Set<String> sites,
    String databaseUrl,
    Duration roundTimeout,
    Duration connectTimeout,
    int maxMessageBytes) {

  public static final int DEFAULT_PORT = 7443;

  @Override
  public String toString() {
    return "CoordinatorConfig[host=" + host + ", port=" + port + ", sites=" + sites + ", database="
        + EmbeddedDatabase.redact(databaseUrl) + "]";
  }

  public static final int DEFAULT_MAX_MESSAGE_BYTES = 128 * 1024 * 1024;

  public CoordinatorConfig {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("host must be set");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be in 0..65535, got " + port);
    }
    if (tls == null) {
      throw new IllegalArgumentException("tls (cert, key, ca, crl) must be set");
    }
    if (sites == null || sites.isEmpty()) {
      throw new IllegalArgumentException("sites must list at least one node site id");
    }
    sites = Set.copyOf(new TreeSet<>(sites));
    if (databaseUrl == null || databaseUrl.isBlank()) {
      throw new IllegalArgumentException("database must be set");
    }
    requirePositive("roundTimeout", roundTimeout);
    requirePositive("connectTimeout", connectTimeout);
    if (maxMessageBytes < 1024) {
      throw new IllegalArgumentException("maxMessageBytes must be at least 1024, got " + maxMessageBytes);
    }
  }

  /**
   * Where the coordinator's certificate, key, the federation CA, its CRL (optional) and the key's
   * passphrase file (optional: without it an encrypted key takes its passphrase from {@value
   * KeyPassphrase#ENVIRONMENT_VARIABLE}) are.
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
     * Reads the coordinator's private key, decrypting it if it is encrypted.
     *
     * @throws IllegalArgumentException if the key is encrypted and its passphrase is missing or wrong
     */
    public PrivateKey privateKey() {
      return Pem.readPrivateKey(key, KeyPassphrase.fileOrEnvironment(keyPassphraseFile));
    }
  }

  private static final Set<String> TLS_KEYS = Set.of("cert", "key", "ca", "crl", "keyPassphraseFile");

  private static void requirePositive(String name, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be a positive duration, got " + d);
    }
  }

  /**
   * Reads a YAML file such as:
   *
   * <pre>
   * host: 127.0.0.1
   * port: 7443
   * tls: {cert: coordinator.pem, key: coordinator.key, ca: ca.pem, crl: crl.pem}
   *                                 # keyPassphraseFile: key.pass (optional, for an encrypted key;
   *                                 # else TANDEM_KEY_PASSPHRASE); other keys in tls are refused
   * sites: [branch-north, branch-south]
   * database: coordinator-db          # a path (embedded H2) or a jdbc: URL
   * roundTimeoutSeconds: 120
   * connectTimeoutSeconds: 60
   * maxMessageBytes: 134217728       # default 128 MiB; larger messages are refused (RESOURCE_EXHAUSTED)
   * </pre>
   *
   * <p>Every key is checked: an unknown or misspelt key at any depth, a value of the wrong type or a
   * number out of its range (port 0..65535, timeouts in (0, 7 days], maxMessageBytes at least 1024) is
   * refused with its line.
   *
   * @throws IllegalArgumentException naming the file and the bad or missing key
   */
  public static CoordinatorConfig load(Path file) {
    return load(file, true);
  }

  /**
   * Reads and checks the YAML file as {@link #load} does, without creating the embedded database's
   * password file: the {@link #databaseUrl()} holds no secret and is for display only.
   *
   * @throws IllegalArgumentException naming the file, the line and the bad or missing key
   */
  public static CoordinatorConfig check(Path file) {
    return load(file, false);
  }

  private static CoordinatorConfig load(Path file, boolean openDatabase) {
    JsonNode root;
    String text;
    try {
      text = Files.readString(file);
      root = new ObjectMapper(new YAMLFactory()).readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read coordinator config " + file + ": " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException(file + ": expected a YAML mapping");
    }
    Path dir = file.toAbsolutePath().getParent();
    YamlLines lines = YamlLines.of(text);
    try {
      lines.requireKnown(root, "", KEYS);
      JsonNode tls = root.get("tls");
      if (tls == null || tls.isNull()) {
        throw new IllegalArgumentException("missing key 'tls'");
      }
      lines.requireKnown(tls, "tls", TLS_KEYS);
      JsonNode siteList = required(root, "sites");
      if (!siteList.isArray()) {
        throw lines.error("sites", "must be a list of node site ids");
      }
      List<String> sites = new ArrayList<>();
      for (int i = 0; i < siteList.size(); i++) {
        JsonNode s = siteList.get(i);
        if (!s.isTextual() || s.asText().isBlank()) {
          throw lines.error("sites[" + i + "]", "must be a site id, got '" + s.asText() + "'");
        }
        sites.add(s.asText());
      }
      String crl = lines.text(tls, "tls", "crl", null);
      String passphrase = lines.text(tls, "tls", "keyPassphraseFile", null);
      return new CoordinatorConfig(
          lines.text(root, "", "host", "127.0.0.1"),
          lines.integer(root, "", "port", 0, 65535, DEFAULT_PORT),
          new TlsFiles(
              resolve(dir, lines.requiredText(tls, "tls", "cert")),
              resolve(dir, lines.requiredText(tls, "tls", "key")),
              resolve(dir, lines.requiredText(tls, "tls", "ca")),
              crl == null ? null : resolve(dir, crl),
              passphrase == null ? null : resolve(dir, passphrase)),
          new TreeSet<>(sites),
          database(dir, root.get("database"), lines, openDatabase),
          seconds(lines, root, "roundTimeoutSeconds", 120),
          seconds(lines, root, "connectTimeoutSeconds", 60),
          lines.integer(root, "", "maxMessageBytes", 1024, Integer.MAX_VALUE, DEFAULT_MAX_MESSAGE_BYTES));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  /** The top-level keys of the coordinator's YAML. */
  private static final Set<String> KEYS = Set.of("host", "port", "tls", "sites", "database", "roundTimeoutSeconds",
      "connectTimeoutSeconds", "maxMessageBytes");

  private static Duration seconds(YamlLines lines, JsonNode root, String key, double fallback) {
    double s = lines.decimal(root, "", key, 0, true, 7 * 24 * 3600, fallback);
    return Duration.ofMillis(Math.max(1, (long) (s * 1000)));
  }

  /**
   * The {@code database} key: a path or a {@code jdbc:} URL ({@link #databaseUrl}), or a mapping
   * {@code {url, user, passwordFile}} for a database server (the password read from an owner-only
   * file). With {@code open} false the URL is for display and holds no password.
   */
  private static String database(Path dir, JsonNode d, YamlLines lines, boolean open) {
    if (d == null || d.isNull()) {
      throw new IllegalArgumentException("missing key 'database'");
    }
    if (d.isTextual()) {
      return open ? databaseUrl(dir, d.asText()) : displayUrl(dir, d.asText());
    }
    return DatabaseServerSetting.url(d, lines, dir, open);
  }

  private static String displayUrl(Path dir, String database) {
    return database.startsWith("jdbc:") ? database : "jdbc:h2:file:" + resolve(dir, database).toAbsolutePath();
  }

  /**
   * A plain path becomes an embedded H2 database file, closed to other hosts and users
   * ({@link EmbeddedDatabase#url}: loopback-only AUTO_SERVER, password in an owner-only file);
   * a {@code jdbc:} URL is used as it is.
   */
  public static String databaseUrl(Path baseDir, String database) {
    if (database.startsWith("jdbc:")) {
      return database;
    }
    return EmbeddedDatabase.url(resolve(baseDir, database));
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
