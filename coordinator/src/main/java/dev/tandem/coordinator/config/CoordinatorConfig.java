package dev.tandem.coordinator.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tandem.certs.KeyPassphrase;
import dev.tandem.certs.Pem;
import dev.tandem.coordinator.store.EmbeddedDatabase;
import dev.tandem.db.DatabaseUrls;
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
   * database: coordinator-db          # a path (embedded H2) or a jdbc: URL, or for a database server:
   * # database: {url: jdbc:postgresql://db.example:5432/tandem_coordinator, user: tandem,
   * #            passwordFile: coordinator-db.password}   # the password file owner-only (0600)
   * roundTimeoutSeconds: 120
   * connectTimeoutSeconds: 60
   * maxMessageBytes: 134217728       # default 128 MiB; larger messages are refused (RESOURCE_EXHAUSTED)
   * </pre>
   *
   * @throws IllegalArgumentException naming the file and the bad or missing key
   */
  public static CoordinatorConfig load(Path file) {
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
    try {
      JsonNode tls = required(root, "tls");
      if (!tls.isObject()) {
        throw new IllegalArgumentException("tls must be a mapping of " + new TreeSet<>(TLS_KEYS));
      }
      tls.fieldNames().forEachRemaining(k -> {
        if (!TLS_KEYS.contains(k)) {
          throw new IllegalArgumentException(lineOf(text, "tls", k) + "unknown key 'tls." + k + "' (known: "
              + new TreeSet<>(TLS_KEYS) + ")");
        }
      });
      List<String> sites = new ArrayList<>();
      required(root, "sites").forEach(n -> sites.add(n.asText()));
      return new CoordinatorConfig(
          root.path("host").asText("127.0.0.1"),
          root.path("port").asInt(DEFAULT_PORT),
          new TlsFiles(
              resolve(dir, required(tls, "cert").asText()),
              resolve(dir, required(tls, "key").asText()),
              resolve(dir, required(tls, "ca").asText()),
              tls.hasNonNull("crl") ? resolve(dir, tls.get("crl").asText()) : null,
              tls.hasNonNull("keyPassphraseFile") ? resolve(dir, tls.get("keyPassphraseFile").asText()) : null),
          new TreeSet<>(sites),
          database(dir, required(root, "database"), text),
          Duration.ofMillis((long) (root.path("roundTimeoutSeconds").asDouble(120) * 1000)),
          Duration.ofMillis((long) (root.path("connectTimeoutSeconds").asDouble(60) * 1000)),
          root.path("maxMessageBytes").asInt(DEFAULT_MAX_MESSAGE_BYTES));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  private static final Set<String> DATABASE_KEYS = Set.of("url", "user", "passwordFile");

  /**
   * The {@code database} key: a path or a {@code jdbc:} URL ({@link #databaseUrl}), or a mapping
   * {@code {url, user, passwordFile}} for a database server (the password read from an owner-only
   * file).
   */
  private static String database(Path dir, JsonNode d, String text) {
    if (d.isTextual()) {
      return databaseUrl(dir, d.asText());
    }
    if (!d.isObject()) {
      throw new IllegalArgumentException("database must be a path, a jdbc: URL or a mapping of "
          + new TreeSet<>(DATABASE_KEYS));
    }
    d.fieldNames().forEachRemaining(k -> {
      if (!DATABASE_KEYS.contains(k)) {
        throw new IllegalArgumentException(lineOf(text, "database", k) + "unknown key 'database." + k + "' (known: "
            + new TreeSet<>(DATABASE_KEYS) + ")");
      }
    });
    try {
      return DatabaseUrls.withCredentials(required(d, "url").asText(),
          d.hasNonNull("user") ? d.get("user").asText() : null,
          d.hasNonNull("passwordFile") ? resolve(dir, d.get("passwordFile").asText()) : null);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(lineOf(text, "database", "url") + e.getMessage(), e);
    }
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

  /** "line N: " of {@code key} in the top-level mapping {@code section}; empty when not found. */
  private static String lineOf(String yaml, String section, String key) {
    try (JsonParser p = new YAMLFactory().createParser(yaml)) {
      for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        JsonStreamContext c = p.getParsingContext();
        if (t == JsonToken.FIELD_NAME && key.equals(c.getCurrentName()) && c.getParent() != null
            && c.getParent().getParent() != null && c.getParent().getParent().inRoot()
            && section.equals(c.getParent().getCurrentName())) {
          return "line " + p.getTokenLocation().getLineNr() + ": ";
        }
      }
    } catch (IOException | RuntimeException e) {
      return "";
    }
    return "";
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
