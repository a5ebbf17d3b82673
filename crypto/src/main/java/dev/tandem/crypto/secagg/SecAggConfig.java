package dev.tandem.crypto.secagg;

import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The public parameters of one secure aggregation round, which every site and the coordinator agree on.
 *
 * <p>Site {@code participants.get(i)} has index i + 1, its Shamir x-coordinate; the order of
 * indices decides the sign of each pairwise mask.
 *
 * @param roundId the round, 1 to 256 UTF-8 bytes; binds signatures, sealing and mask seeds
 * @param participants the site ids, strictly ascending (hence distinct), 2 to 255 of them
 * @param threshold t: the fewest sites whose inputs are ever summed and unmasked; a strict
 *     majority (2t &gt; n) and at most n, so that no sum of fewer than t inputs is unmasked and the
 *     coordinator cannot obtain two disjoint unmaskable subsets
 * @param encoding the fixed-point encoding, with headroom for a sum of n vectors
 * @param vectorLength d, the length of every input vector, at least 1
 */
public record SecAggConfig(
    String roundId, List<String> participants, int threshold, FixedPoint encoding, int vectorLength) {

  /**
   * Validates and copies the parameters.
   *
   * @throws IllegalArgumentException naming the bad value if an id is invalid, the participants
   *     are not strictly ascending or not 2 to 255, the threshold is not a strict majority at most
   *     n, the encoding lacks headroom for n vectors, or the vector length is below 1
   */
  public SecAggConfig {
    Wire.checkId("roundId", roundId);
    Objects.requireNonNull(participants, "participants");
    Objects.requireNonNull(encoding, "encoding");
    participants = List.copyOf(participants);
    int n = participants.size();
    if (n < 2 || n > Shamir.MAX_PARTIES) {
      throw new IllegalArgumentException("participants must number 2.." + Shamir.MAX_PARTIES + ", got " + n);
    }
    for (int i = 0; i < n; i++) {
      Wire.checkId("participants[" + i + "]", participants.get(i));
      if (i > 0 && participants.get(i - 1).compareTo(participants.get(i)) >= 0) {
        throw new IllegalArgumentException("participants must be strictly ascending: "
            + participants.get(i - 1) + " is not before " + participants.get(i));
      }
    }
    if (2 * threshold <= n || threshold > n) {
      throw new IllegalArgumentException(
          "threshold must be a strict majority of the " + n + " participants and at most " + n + ", got " + threshold);
    }
    if (!encoding.supportsSumOf(n)) {
      throw new IllegalArgumentException("encoding " + encoding + " has no headroom for a sum of " + n + " vectors");
    }
    if (vectorLength < 1) {
      throw new IllegalArgumentException("vectorLength must be >= 1, got " + vectorLength);
    }
  }

  /** Returns n, the number of participants. */
  public int size() {
    return participants.size();
  }

  /** Returns whether {@code siteId} takes part in the round. */
  public boolean isParticipant(String siteId) {
    return siteId != null && Collections.binarySearch(participants, siteId) >= 0;
  }

  /**
   * Returns the index (1-based position) of {@code siteId}.
   *
   * @throws IllegalArgumentException if the site does not take part in the round
   */
  public int indexOf(String siteId) {
    int position = siteId == null ? -1 : Collections.binarySearch(participants, siteId);
    if (position < 0) {
      throw new IllegalArgumentException("site " + siteId + " is not a participant of round " + roundId);
    }
    return position + 1;
  }

  /**
   * Checks that at least {@code threshold} sites remain; the one threshold check of the protocol,
   * used by both the server and the clients.
   *
   * @throws SecAggException with reason BELOW_THRESHOLD naming {@code what} otherwise
   */
  public void requireQuorum(Collection<String> sites, String what) {
    if (sites.size() < threshold) {
      throw new SecAggException(SecAggException.Reason.BELOW_THRESHOLD, null,
          "round " + roundId + ": " + sites.size() + " " + what + ", threshold is " + threshold);
    }
  }
}
