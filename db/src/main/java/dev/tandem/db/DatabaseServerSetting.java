package dev.tandem.db;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.model.yaml.YamlLines;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code database:} key of a node's or coordinator's YAML when it names a database server:
 * {@code {url, user, passwordFile}}, the password read from an owner-only file.
 */
public final class DatabaseServerSetting {
  /** The keys of the mapping. */
  public static final Set<String> KEYS = Set.of("url", "user", "passwordFile");

  private DatabaseServerSetting() {}

  /**
   * The JDBC URL the mapping {@code d} names, with its user and password ({@link
   * DatabaseUrls#withCredentials}) when {@code withPassword}, else as written (for display: no
   * secret); relative password files resolve against {@code dir}.
   *
   * @throws IllegalArgumentException with the line, for a value that is not a mapping, an unknown or
   *     missing key, a URL that carries credentials itself or a password file others can read
   */
  public static String url(JsonNode d, YamlLines lines, Path dir, boolean withPassword) {
    if (!d.isObject()) {
      throw lines.error("database", "must be a path, a jdbc: URL or a mapping of " + new TreeSet<>(KEYS));
    }
    lines.requireKnown(d, "database", KEYS);
    String url = lines.requiredText(d, "database", "url");
    String user = lines.text(d, "database", "user", null);
    String passwordFile = lines.text(d, "database", "passwordFile", null);
    String withCredentials;
    try {
      withCredentials = DatabaseUrls.withCredentials(url, user,
          passwordFile == null ? null : dir.resolve(passwordFile).normalize());
    } catch (IllegalArgumentException e) {
      throw lines.error("database.url", e.getMessage());
    }
    return withPassword ? withCredentials : url;
  }
}
