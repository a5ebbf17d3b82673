package dev.tandem.node.consent;

import java.util.List;
import java.util.Objects;

/**
 * A CSV import that changed nothing because some rows are malformed; lists the first problems with
 * their line numbers (1-based, the header is line 1).
 */
public final class ConsentImportException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** One malformed line. */
  public record Problem(long line, String message) {
    public Problem {
      Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
      return "line " + line + ": " + message;
    }
  }

  private final transient List<Problem> problems;
  private final long total;

  ConsentImportException(List<Problem> problems, long total) {
    super(describe(problems, total));
    this.problems = List.copyOf(problems);
    this.total = total;
  }

  /** The first problems found, in line order (at most 20). */
  public List<Problem> problems() {
    return problems;
  }

  /** How many lines were malformed in all. */
  public long total() {
    return total;
  }

  private static String describe(List<Problem> problems, long total) {
    StringBuilder s = new StringBuilder("consent import refused, nothing was changed: ");
    s.append(problems.get(0));
    if (total > 1) {
      s.append(" (and ").append(total - 1).append(" more malformed line").append(total > 2 ? "s" : "").append(')');
    }
    return s.toString();
  }
}
