package dev.tandem.node.watch;

import java.util.List;
import java.util.Objects;

/**
 * One access to the node's records, as the watch counts it.
 *
 * @param partner the partner site that asked, or {@link AccessWatch#ADMIN}
 * @param purpose the purpose of the access ({@code -} when it has none)
 * @param subjects the subject ids asked about (copied; never stored, only counted through their pseudonyms)
 * @param outside how many of them this node does not hold with consent for the purpose
 */
public record Access(String partner, String purpose, AccessKind kind, List<String> subjects, int outside) {
  public Access {
    if (partner == null || partner.isBlank()) {
      throw new IllegalArgumentException("an access needs a partner");
    }
    purpose = purpose == null || purpose.isBlank() ? "-" : purpose;
    Objects.requireNonNull(kind, "kind");
    subjects = List.copyOf(subjects);
    if (outside < 0 || outside > subjects.size()) {
      throw new IllegalArgumentException("outside must be 0 to " + subjects.size() + ", got " + outside);
    }
  }

  /** An access that names no subjects. */
  public static Access of(String partner, String purpose, AccessKind kind) {
    return new Access(partner, purpose, kind, List.of(), 0);
  }

  /** A scoring request about {@code subjects}, {@code outside} of which this node does not hold with consent. */
  public static Access scoring(String partner, String purpose, List<String> subjects, int outside) {
    return new Access(partner, purpose, AccessKind.SCORING, subjects, outside);
  }
}
