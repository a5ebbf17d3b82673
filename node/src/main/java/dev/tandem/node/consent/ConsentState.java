package dev.tandem.node.consent;

import java.util.Locale;

/** Whether a subject's consent for a purpose is in force. */
public enum ConsentState {
  GRANTED,
  REVOKED;

  /**
   * Parses {@code granted} or {@code revoked}, ignoring case and surrounding blanks.
   *
   * @throws IllegalArgumentException quoting the value otherwise
   */
  public static ConsentState parse(String s) {
    if (s != null) {
      switch (s.trim().toLowerCase(Locale.ROOT)) {
        case "granted":
          return GRANTED;
        case "revoked":
          return REVOKED;
        default:
          break;
      }
    }
    throw new IllegalArgumentException("unknown consent state '" + s + "' (expected 'granted' or 'revoked')");
  }

  /** The lower-case name used in files and the audit log. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
