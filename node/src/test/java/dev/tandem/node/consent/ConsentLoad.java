package dev.tandem.node.consent;

import java.io.IOException;
import java.io.Reader;
import java.time.Instant;
import java.util.Locale;

/**
 * A synthetic consent CSV of {@code rows} subjects generated on the fly: one {@code churn}
 * decision per subject, dated within 2024, every fifth subject revoked and the others granted.
 */
final class ConsentLoad extends Reader {
  static final Instant BASE = Instant.parse("2024-01-01T00:00:00Z");

  private final long rows;
  private long next = -1;
  private String pending = "";
  private int pos;

  ConsentLoad(long rows) {
    this.rows = rows;
  }

  /** Whether generated subject {@code i} is granted. */
  static boolean granted(long i) {
    return i % 5 != 0;
  }

  static String subject(long i) {
    return String.format(Locale.ROOT, "C%08d", i);
  }

  @Override
  public int read(char[] buf, int off, int len) {
    if (pos == pending.length()) {
      if (next == rows) {
        return -1;
      }
      pending = next < 0 ? "subject_id,purpose,state,since,evidence,policy_version\n"
          : subject(next) + ",churn," + (granted(next) ? "granted" : "revoked") + ","
              + BASE.plusSeconds(next % 31_536_000L) + ",crm:consent/" + next + ",v3\n";
      next++;
      pos = 0;
    }
    int n = Math.min(len, pending.length() - pos);
    pending.getChars(pos, pos + n, buf, off);
    pos += n;
    return n;
  }

  @Override
  public void close() throws IOException {}
}
