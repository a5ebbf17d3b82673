package dev.tandem.certs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the passphrase of an encrypted PKCS#8 private key comes from: a file (its first line) or
 * the {@value #ENVIRONMENT_VARIABLE} environment variable.
 *
 * <p>The passphrase is read only when an encrypted key is met, and is never printed: {@link
 * #toString()} and every error name only its source. Immutable and thread-safe.
 */
public final class KeyPassphrase {
  /** The environment variable read when no passphrase file is configured. */
  public static final String ENVIRONMENT_VARIABLE = "TANDEM_KEY_PASSPHRASE";

  private final Path file;
  private final String environmentValue;

  private KeyPassphrase(Path file, String environmentValue) {
    this.file = file;
    this.environmentValue = environmentValue;
  }

  /** No passphrase: an encrypted key is refused. */
  public static KeyPassphrase none() {
    return new KeyPassphrase(null, null);
  }

  /** The first line of {@code file} (read when needed; a trailing newline is not part of it). */
  public static KeyPassphrase fromFile(Path file) {
    return new KeyPassphrase(Objects.requireNonNull(file, "file"), null);
  }

  /** {@code file} if it is not null, else the process's {@value #ENVIRONMENT_VARIABLE} variable. */
  public static KeyPassphrase fileOrEnvironment(Path file) {
    return fileOrEnvironment(file, System.getenv());
  }

  /** {@code file} if it is not null, else {@value #ENVIRONMENT_VARIABLE} in {@code environment}. */
  public static KeyPassphrase fileOrEnvironment(Path file, Map<String, String> environment) {
    if (file != null) {
      return fromFile(file);
    }
    String value = environment.get(ENVIRONMENT_VARIABLE);
    return value == null || value.isEmpty() ? none() : new KeyPassphrase(null, value);
  }

  /** Whether a passphrase source is set (it may still be wrong). */
  public boolean isPresent() {
    return file != null || environmentValue != null;
  }

  /** Where the passphrase comes from, for messages: the file, the variable, or "no passphrase". */
  public String source() {
    if (file != null) {
      return "the passphrase file " + file;
    }
    return environmentValue != null ? "the " + ENVIRONMENT_VARIABLE + " environment variable" : "no passphrase";
  }

  /** The passphrase characters, or empty when none is set; the caller should wipe the array. */
  Optional<char[]> chars() {
    if (file != null) {
      String text;
      try {
        text = Files.readString(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the passphrase file " + file + ": " + e, e);
      }
      int end = text.indexOf('\n');
      String line = end < 0 ? text : text.substring(0, end);
      if (line.endsWith("\r")) {
        line = line.substring(0, line.length() - 1);
      }
      if (line.isEmpty()) {
        throw new IllegalArgumentException("the passphrase file " + file + " is empty");
      }
      return Optional.of(line.toCharArray());
    }
    return Optional.ofNullable(environmentValue).map(String::toCharArray);
  }

  @Override
  public String toString() {
    return "KeyPassphrase[" + source() + "]";
  }
}
