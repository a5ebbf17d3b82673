package dev.tandem.db;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Locale;
import java.util.Set;

/** JDBC URLs of a store database configured as a URL, a user and a password kept in a file. */
public final class DatabaseUrls {
  private static final Set<PosixFilePermission> OTHERS = Set.of(PosixFilePermission.GROUP_READ,
      PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);

  private DatabaseUrls() {}

  /**
   * {@code url} with {@code user} and the password in {@code passwordFile} (either may be null) in
   * the driver's own syntax: {@code ?user=..&password=..} for PostgreSQL, {@code ;USER=..;PASSWORD=..}
   * for H2.
   *
   * @throws IllegalArgumentException if the URL is of another database, already carries a user or
   *     password, or the password file is missing, empty, or readable by others than its owner
   */
  public static String withCredentials(String url, String user, Path passwordFile) {
    if (!url.startsWith("jdbc:")) {
      throw new IllegalArgumentException("database.url must be a jdbc: URL, got '" + url + "'");
    }
    String lower = url.toLowerCase(Locale.ROOT);
    boolean postgres = lower.startsWith("jdbc:postgresql:");
    if (!postgres && !lower.startsWith("jdbc:h2:")) {
      throw new IllegalArgumentException("database.url must be a jdbc:postgresql: or jdbc:h2: URL, got '"
          + StoreDatabase.redact(url) + "'");
    }
    if (lower.matches(".*[?&;](user|password)=.*")) {
      throw new IllegalArgumentException("database.url must not carry the user or password: give them as"
          + " database.user and database.passwordFile");
    }
    String password = passwordFile == null ? null : readPassword(passwordFile);
    StringBuilder out = new StringBuilder(url);
    if (postgres) {
      char sep = url.contains("?") ? '&' : '?';
      if (user != null) {
        out.append(sep).append("user=").append(URLEncoder.encode(user, StandardCharsets.UTF_8));
        sep = '&';
      }
      if (password != null) {
        out.append(sep).append("password=").append(URLEncoder.encode(password, StandardCharsets.UTF_8));
      }
    } else {
      if (user != null) {
        out.append(";USER=").append(user);
      }
      if (password != null) {
        out.append(";PASSWORD=").append(password);
      }
      if (out.indexOf(";", url.length()) >= 0 && (user != null && user.contains(";")
          || password != null && password.contains(";"))) {
        throw new IllegalArgumentException("an H2 user or password cannot hold ';'");
      }
    }
    return out.toString();
  }

  private static String readPassword(Path file) {
    String password;
    try {
      if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
        if (perms.stream().anyMatch(OTHERS::contains)) {
          throw new IllegalArgumentException("database.passwordFile " + file + " is open to other users than its"
              + " owner: chmod 600 " + file);
        }
      }
      password = Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read database.passwordFile " + file + ": " + e.getMessage(), e);
    }
    if (password.isEmpty() || password.contains("\n")) {
      throw new IllegalArgumentException("database.passwordFile " + file + " must hold the password on one line");
    }
    return password;
  }
}
