package dev.tandem.bench.psi;

import dev.tandem.crypto.psi.BlindedIds;
import dev.tandem.crypto.psi.PsiParty;
import dev.tandem.crypto.psi.Reblinded;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One whole PSI between two parties in this JVM, n ids per side of which the upper half of one is
 * the lower half of the other: both parties run one after the other, each step on all cores, and
 * every message goes through toBytes / fromBytes (with point validation) as over a relay.
 */
final class PsiScenario {
  private PsiScenario() {}

  /**
   * The timings of one run, each step for both parties.
   *
   * @param intersection the intersection size both parties found
   */
  record Result(int ids, int intersection, Timing hashAndBlind, Timing validate, Timing reblind,
      Timing validateReplies, Timing intersect, Timing total) {

    /** The intersection size the id sets are built to have. */
    int expectedIntersection() {
      return ids - ids / 2;
    }

    String stepsLine() {
      return String.format(Locale.ROOT, "hash + blind %.2f, validate %.2f, reblind %.2f, validate replies %.2f,"
          + " intersect %.2f", hashAndBlind.cpu(), validate.cpu(), reblind.cpu(), validateReplies.cpu(),
          intersect.cpu());
    }

    String stepsJson() {
      return "{\"hashAndBlind\":" + hashAndBlind.json() + ",\"validate\":" + validate.json() + ",\"reblind\":"
          + reblind.json() + ",\"validateReplies\":" + validateReplies.json() + ",\"intersect\":"
          + intersect.json() + "}";
    }
  }

  /**
   * Runs the protocol over n ids per side.
   *
   * @throws IllegalStateException if the parties find an intersection of the wrong size
   */
  static Result run(int n) {
    List<String> aIds = new ArrayList<>(n);
    List<String> bIds = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      aIds.add("subject-" + i);
      bIds.add("subject-" + (i + n / 2));
    }
    Timing.Start start = Timing.start();
    PsiParty a = PsiParty.of(aIds);
    PsiParty b = PsiParty.of(bIds);
    byte[] aBlinded = a.blindedIds().toBytes();
    byte[] bBlinded = b.blindedIds().toBytes();
    Timing blind = Timing.since(start);
    BlindedIds fromB = BlindedIds.fromBytes(bBlinded);
    BlindedIds fromA = BlindedIds.fromBytes(aBlinded);
    Timing validate = Timing.since(start);
    byte[] aReblinded = a.reblind(fromB).toBytes();
    byte[] bReblinded = b.reblind(fromA).toBytes();
    Timing reblind = Timing.since(start);
    Reblinded replyB = Reblinded.fromBytes(bReblinded);
    Reblinded replyA = Reblinded.fromBytes(aReblinded);
    Timing validateReplies = Timing.since(start);
    int aShared = a.intersection(replyB).size();
    int bShared = b.intersection(replyA).size();
    Timing total = Timing.since(start);
    Result result = new Result(n, aShared, blind, validate.minus(blind), reblind.minus(validate),
        validateReplies.minus(reblind), total.minus(validateReplies), total);
    if (aShared != result.expectedIntersection() || bShared != aShared) {
      throw new IllegalStateException("wrong intersection for n = " + n + ": " + aShared + " and " + bShared
          + ", expected " + result.expectedIntersection());
    }
    return result;
  }
}
