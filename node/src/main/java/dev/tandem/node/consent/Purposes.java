package dev.tandem.node.consent;

import java.util.regex.Pattern;

/** The names of processing purposes ({@code credit-risk}, {@code churn}, ...). */
public final class Purposes {
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,63}");

  private Purposes() {}

  /**
   * Checks a purpose name: 1 to 64 characters of {@code [a-z0-9-]} starting with a letter.
   *
   * @return the name
   * @throws IllegalArgumentException quoting the bad name
   */
  public static String check(String purpose) {
    if (purpose == null || !NAME.matcher(purpose).matches()) {
      throw new IllegalArgumentException("invalid purpose '" + purpose
          + "': expected 1 to 64 characters of a-z, 0-9 and '-', starting with a letter");
    }
    return purpose;
  }
}
