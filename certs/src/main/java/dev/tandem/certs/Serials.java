package dev.tandem.certs;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Locale;

/** Serial numbers: generation, printing and parsing. */
final class Serials {
  /** The one source of randomness for keys and serials in this module. */
  static final SecureRandom RANDOM = new SecureRandom();

  private Serials() {}

  static BigInteger random() {
    BigInteger serial;
    do {
      serial = new BigInteger(128, RANDOM);
    } while (serial.signum() == 0);
    return serial;
  }

  static String hex(BigInteger serial) {
    return "0x" + serial.toString(16);
  }

  /** Parses hex with an optional 0x prefix and optional ':' separators. */
  static BigInteger parseHex(String text) {
    String s = text == null ? "" : text.trim().toLowerCase(Locale.ROOT).replace(":", "");
    if (s.startsWith("0x")) {
      s = s.substring(2);
    }
    if (s.isEmpty() || !s.matches("[0-9a-f]+")) {
      throw new IllegalArgumentException("invalid serial '" + text + "': expected hex digits");
    }
    return new BigInteger(s, 16);
  }
}
