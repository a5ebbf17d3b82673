package dev.tandem.node.admin;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the node's admin HTTP API listens and where its bearer token is kept.
 *
 * @param host the address to bind; null or blank means {@value #DEFAULT_HOST} (loopback only)
 * @param port the TCP port, 0 for any free port (see {@link AdminServer#port()})
 * @param tokenFile the file holding the bearer token; created (owner-only) at the first start
 */
public record AdminConfig(String host, int port, Path tokenFile) {
  /** The address bound when none is given: loopback only. */
  public static final String DEFAULT_HOST = "127.0.0.1";
  /** A suggested port for configuration files; {@code 0} asks for any free port. */
  public static final int DEFAULT_PORT = 7480;

  /** @throws IllegalArgumentException naming the bad value */
  public AdminConfig {
    host = host == null || host.isBlank() ? DEFAULT_HOST : host.strip();
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("admin port must be 0 to 65535, got " + port);
    }
    Objects.requireNonNull(tokenFile, "admin tokenFile");
  }

  /** Loopback on {@code port}, with the token in {@code tokenFile}. */
  public static AdminConfig loopback(int port, Path tokenFile) {
    return new AdminConfig(DEFAULT_HOST, port, tokenFile);
  }
}
