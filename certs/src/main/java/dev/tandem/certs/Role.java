package dev.tandem.certs;

import java.util.Locale;

/** The part a site plays in the federation, carried in the subject OU of its certificate. */
public enum Role {
  NODE("node"),
  COORDINATOR("coordinator");

  private final String id;

  Role(String id) {
    this.id = id;
  }

  /** The lower-case identifier written into certificates and accepted on the command line. */
  public String id() {
    return id;
  }

  /**
   * Parses a role identifier, ignoring case.
   *
   * @throws IllegalArgumentException if {@code s} names no role; the message quotes the value
   */
  public static Role parse(String s) {
    if (s != null) {
      String wanted = s.trim().toLowerCase(Locale.ROOT);
      for (Role role : values()) {
        if (role.id.equals(wanted)) {
          return role;
        }
      }
    }
    throw new IllegalArgumentException(
        "unknown role '" + s + "' (expected 'node' or 'coordinator')");
  }

  @Override
  public String toString() {
    return id;
  }
}
