package dev.tandem.node.watch;

import java.time.Instant;
import java.util.Objects;

/**
 * One leak alert: what rule a partner's access broke, when, and whether an operator has cleared it.
 *
 * @param id the alert's number at this node (from 1)
 * @param partner the partner site, or {@link AccessWatch#ADMIN} for the admin API
 * @param purpose the purpose of the access ({@code -} when it had none)
 * @param detail what was counted against which threshold; holds no subject id
 * @param blocking whether the partner's requests are refused until the alert is cleared
 * @param auditSeq the seq of the alert's {@code LEAK_ALERT} audit entry
 * @param clearedAt when an operator cleared it; null while open
 * @param clearedBy who cleared it; null while open
 */
public record Alert(long id, Instant raisedAt, String partner, String purpose, LeakRule rule, String detail,
    boolean blocking, long auditSeq, Instant clearedAt, String clearedBy) {
  public Alert {
    if (id < 1) {
      throw new IllegalArgumentException("alert id must be at least 1, got " + id);
    }
    Objects.requireNonNull(raisedAt, "raisedAt");
    Objects.requireNonNull(partner, "partner");
    Objects.requireNonNull(purpose, "purpose");
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(detail, "detail");
  }

  /** Whether no operator has cleared it yet. */
  public boolean open() {
    return clearedAt == null;
  }

  /** Whether it refuses the partner's requests now. */
  public boolean blocks() {
    return blocking && open();
  }

  /** The refusal a blocked request gets: names the alert and how to clear it. */
  public String refusal() {
    return "partner '" + partner + "' is blocked by leak alert " + id + " (" + rule + ": " + detail
        + "); an operator clears it with 'tandem alerts clear " + id + "'";
  }
}
