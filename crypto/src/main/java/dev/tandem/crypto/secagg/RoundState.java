package dev.tandem.crypto.secagg;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * An immutable snapshot of a secure aggregation round on the coordinator.
 *
 * <p>The sets U1 to U4 are filled as their stages close and are empty before. Sets are copied and
 * sorted.
 *
 * @param roundId the round
 * @param stage the current stage
 * @param expected the sites expected to answer in the current stage (empty once final)
 * @param answered the sites that have answered in the current stage
 * @param advertised U1: the sites whose keys were accepted
 * @param shared U2: the sites whose key shares were accepted
 * @param masked U3: the sites whose masked inputs were accepted, the survivors whose inputs are summed
 * @param unmasked U4: the sites whose unmasking shares were accepted
 * @param abortReason why the round aborted; null unless the stage is ABORTED
 * @param abortDetail a description of the abort, empty unless the stage is ABORTED
 * @param misbehaved the sites proven to have cheated, each with what it did: a site whose shares a
 *     {@link ShareComplaint} shows bad (or that complained falsely) is dropped like a dropout; a site
 *     that presented a share its dealer did not commit to has its shares ignored
 */
public record RoundState(
    String roundId,
    Stage stage,
    Set<String> expected,
    Set<String> answered,
    Set<String> advertised,
    Set<String> shared,
    Set<String> masked,
    Set<String> unmasked,
    SecAggException.Reason abortReason,
    String abortDetail,
    Map<String, String> misbehaved) {

  /**
   * Validates and copies the fields.
   *
   * @throws IllegalArgumentException if answered is not within expected, or the abort fields do
   *     not match the stage
   */
  public RoundState {
    Objects.requireNonNull(roundId, "roundId");
    Objects.requireNonNull(stage, "stage");
    Objects.requireNonNull(abortDetail, "abortDetail");
    expected = sorted(expected, "expected");
    answered = sorted(answered, "answered");
    advertised = sorted(advertised, "advertised");
    shared = sorted(shared, "shared");
    masked = sorted(masked, "masked");
    unmasked = sorted(unmasked, "unmasked");
    Objects.requireNonNull(misbehaved, "misbehaved");
    misbehaved = Collections.unmodifiableSortedMap(new TreeMap<>(misbehaved));
    if (!expected.containsAll(answered)) {
      throw new IllegalArgumentException("answered " + answered + " is not within expected " + expected);
    }
    if ((stage == Stage.ABORTED) != (abortReason != null)) {
      throw new IllegalArgumentException("abortReason " + abortReason + " does not match stage " + stage);
    }
    if (stage != Stage.ABORTED && !abortDetail.isEmpty()) {
      throw new IllegalArgumentException("abortDetail must be empty in stage " + stage);
    }
  }

  /** Returns the sites expected in the current stage that have not answered yet. */
  public Set<String> pending() {
    TreeSet<String> pending = new TreeSet<>(expected);
    pending.removeAll(answered);
    return Collections.unmodifiableSortedSet(pending);
  }

  /** Returns whether every expected site has answered, so that the stage can be closed at once. */
  public boolean allAnswered() {
    return answered.size() == expected.size();
  }

  RoundState withAnswer(String siteId) {
    Set<String> now = new TreeSet<>(answered);
    now.add(siteId);
    return new RoundState(roundId, stage, expected, now, advertised, shared, masked, unmasked, abortReason, abortDetail,
        misbehaved);
  }

  private static SortedSet<String> sorted(Set<String> sites, String name) {
    Objects.requireNonNull(sites, name);
    return Collections.unmodifiableSortedSet(new TreeSet<>(sites));
  }
}
