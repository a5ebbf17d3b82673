package dev.tandem.coordinator.vertical;

import dev.tandem.coordinator.rounds.Rejection;
import dev.tandem.coordinator.rounds.Rejection.Reason;
import dev.tandem.model.vertical.VerticalJobSpec;
import dev.tandem.proto.v1.VerticalStage;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The relay of one vertical job: who writes to whom in each stage, and the envelopes waiting for
 * each party's next task. Envelopes are never opened; the sender is stamped from its certificate.
 *
 * <p>{@link #check} is pure and thread-safe; {@link #post} and {@link #take} are called by the
 * runner's thread only.
 */
final class Mailbox {
  private final Map<String, List<Envelope>> waiting = new HashMap<>();

  /** The parties {@code sender} writes to in {@code stage}, one envelope each (docs/VERTICAL_PROTOCOL.md). */
  static List<String> recipients(VerticalJobSpec spec, VerticalStage stage, String sender) {
    boolean guest = spec.isGuest(sender);
    List<String> hosts = spec.sites().subList(1, spec.sites().size());
    List<String> toGuest = List.of(spec.guest().site());
    return switch (stage) {
      case VERTICAL_ALIGN_BLIND, VERTICAL_ALIGN_REBLIND -> guest ? hosts : toGuest;
      case VERTICAL_ALIGN_INTERSECT -> guest ? hosts : List.of();
      default -> List.of();
    };
  }

  /**
   * Checks {@code sender}'s outbox in {@code stage} of a job: in alignment exactly one envelope to
   * each of {@link #recipients}; in a secret-shared stage ({@link #isSshe}) any number, each to a
   * party other than the sender (the parties check what they receive; the relay cannot open it).
   */
  static void check(VerticalJobSpec spec, VerticalStage stage, String sender, List<Envelope> outbox)
      throws Rejection {
    if (isSshe(stage)) {
      for (int i = 0; i < outbox.size(); i++) {
        addressed(spec.sites(), sender, outbox.get(i).toSite(), i);
      }
      return;
    }
    check(spec.sites(), sender, recipients(spec, stage, sender), outbox, stage.name());
  }

  /** Whether {@code stage} is a stage of the secret-shared training, where every party may write to every other. */
  static boolean isSshe(VerticalStage stage) {
    return stage.name().startsWith("SSHE_");
  }

  private static void addressed(Collection<String> parties, String sender, String to, int i) throws Rejection {
    if (to.equals(sender)) {
      throw new Rejection(Reason.MALFORMED, "outbox[" + i + "] is addressed to the sender '" + sender
          + "' itself");
    }
    if (!parties.contains(to)) {
      throw new Rejection(Reason.MALFORMED, "outbox[" + i + "] is addressed to '" + to
          + "', which is not a party (parties: " + String.join(", ", parties) + ")");
    }
  }

  /**
   * Checks that every envelope goes to a party other than the sender, and that the sender writes
   * exactly one envelope to each of {@code expected} and none to anybody else.
   *
   * @throws Rejection with {@link Reason#MALFORMED} naming the envelope and the rule it breaks
   */
  static void check(Collection<String> parties, String sender, Collection<String> expected, List<Envelope> outbox,
      String what) throws Rejection {
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (int i = 0; i < outbox.size(); i++) {
      String to = outbox.get(i).toSite();
      addressed(parties, sender, to, i);
      counts.merge(to, 1, Integer::sum);
    }
    for (Map.Entry<String, Integer> c : counts.entrySet()) {
      if (!expected.contains(c.getKey()) || c.getValue() > 1) {
        throw new Rejection(Reason.MALFORMED, "in " + what + " site '" + sender + "' sends exactly one envelope "
            + "to each of " + expected + " and nothing else; got " + c.getValue() + " to '" + c.getKey() + "'");
      }
    }
    for (String to : expected) {
      if (!counts.containsKey(to)) {
        throw new Rejection(Reason.MALFORMED, "in " + what + " site '" + sender + "' sends exactly one envelope "
            + "to each of " + expected + "; none is addressed to '" + to + "'");
      }
    }
  }

  /** Holds a checked outbox for delivery, each envelope stamped with its sender. */
  void post(String sender, List<Envelope> outbox) {
    for (Envelope e : outbox) {
      waiting.computeIfAbsent(e.toSite(), k -> new ArrayList<>()).add(e.from(sender));
    }
  }

  /** Removes and returns what waits for {@code recipient}, in the order it was posted. */
  List<Envelope> take(String recipient) {
    List<Envelope> inbox = waiting.remove(recipient);
    return inbox == null ? List.of() : inbox;
  }
}
