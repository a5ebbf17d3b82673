package dev.tandem.coordinator.rounds;

import dev.tandem.coordinator.rounds.Rejection.Reason;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Collects the answers of the expected sites to one task of one round.
 *
 * <p>Thread-safe. The phase ends when every expected site has answered or been excluded (it
 * disconnected, declined, or sent a malformed answer), or when the timeout passes: it then closes
 * with whatever answers arrived, and later answers are refused.
 *
 * @param <T> the type of an answer
 */
public final class Phase<T> {
  /** The kind of task a phase collects answers to. */
  public enum Kind {
    /** Feature moments. */
    STATS,
    /** Trained parameters, or in a secure round the advertised keys of sites that trained. */
    TRAIN,
    /** Secure aggregation: sealed key shares. */
    SECAGG_SHARE,
    /** Secure aggregation: masked inputs. */
    SECAGG_MASKED,
    /** Secure aggregation: shares that remove the masks. */
    SECAGG_UNMASK,
    /** Held-out metrics. */
    EVALUATE,
    /** A stage of a vertical job; the runner checks task id and stage before the phase sees an answer. */
    VERTICAL,
    /** Partial scores of a vertical model for a party's scoring request. */
    VERTICAL_SCORE
  }

  private final Kind kind;
  private final int round;
  private final Set<String> waitingFor;
  private final Map<String, T> answers = new LinkedHashMap<>();
  private final Map<String, String> excluded = new TreeMap<>();
  private boolean closed;

  public Phase(Kind kind, int round, Set<String> expected) {
    this.kind = kind;
    this.round = round;
    this.waitingFor = new TreeSet<>(expected);
  }

  public Kind kind() {
    return kind;
  }

  public int round() {
    return round;
  }

  /**
   * Checks that an answer of this kind and round from this site would be accepted now.
   *
   * @throws Rejection with {@link Reason#WRONG_ROUND} or {@link Reason#NOT_PARTICIPANT}
   */
  public synchronized void checkOpen(String site, Kind answerKind, int answerRound) throws Rejection {
    if (answerKind != kind || answerRound != round) {
      throw new Rejection(Reason.WRONG_ROUND, "the job is collecting " + describe(kind, round)
          + "; this answer is for " + describe(answerKind, answerRound));
    }
    if (closed) {
      throw new Rejection(Reason.WRONG_ROUND, describe(kind, round) + " has already closed");
    }
    if (answers.containsKey(site)) {
      throw new Rejection(Reason.WRONG_ROUND, "site '" + site + "' already answered " + describe(kind, round));
    }
    if (excluded.containsKey(site)) {
      throw new Rejection(Reason.NOT_PARTICIPANT, "site '" + site + "' was excluded from "
          + describe(kind, round) + ": " + excluded.get(site));
    }
    if (!waitingFor.contains(site)) {
      throw new Rejection(Reason.NOT_PARTICIPANT, "site '" + site + "' was not asked for " + describe(kind, round));
    }
  }

  /** Records a valid answer. */
  public synchronized void accept(String site, Kind answerKind, int answerRound, T answer) throws Rejection {
    checkOpen(site, answerKind, answerRound);
    answers.put(site, answer);
    waitingFor.remove(site);
    notifyAll();
  }

  /** Stops waiting for a site; returns false if it was not awaited. */
  public synchronized boolean exclude(String site, String reason) {
    if (closed || !waitingFor.remove(site)) {
      return false;
    }
    excluded.put(site, reason);
    notifyAll();
    return true;
  }

  /** Waits for the phase to end, closes it, and returns the answers by site in arrival order. */
  public synchronized Map<String, T> await(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!waitingFor.isEmpty()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        for (String site : waitingFor) {
          excluded.put(site, "no answer within " + timeout.toSeconds() + " s");
        }
        waitingFor.clear();
        break;
      }
      wait(Math.max(1, left / 1_000_000));
    }
    closed = true;
    return Collections.unmodifiableMap(new LinkedHashMap<>(answers));
  }

  /** Sites that were expected but did not contribute, with the reason. */
  public synchronized Map<String, String> excluded() {
    return Map.copyOf(excluded);
  }

  static String describe(Kind kind, int round) {
    return switch (kind) {
      case STATS -> "feature statistics";
      case TRAIN -> "updates of round " + round;
      case SECAGG_SHARE -> "secure aggregation key shares of round " + round;
      case SECAGG_MASKED -> "masked updates of round " + round;
      case SECAGG_UNMASK -> "unmasking shares of round " + round;
      case EVALUATE -> "evaluations of round " + round;
      case VERTICAL -> "the vertical stage's answers of round " + round;
      case VERTICAL_SCORE -> "partial scores";
    };
  }
}
