package dev.tandem.vertical.sshe;

/**
 * Constants of the evaluation: scores are binned per party with one bin width, so that the sum of
 * the parties' bins is the bin of the sum up to the parties' rounding; the guest learns the AUC of
 * the binned scores and nothing per row.
 */
final class SsheEvaluation {
  /** The span of logits that each host's bins cover, around the host's mean partial score. */
  static final double HOST_SPAN = 6.0;
  /** The span of logits that the guest's bins cover, around the guest's mean partial score. */
  static final double GUEST_SPAN = 16.0;
  /** The guest's bins are this many times finer than the hosts' (its score usually dominates). */
  static final int GUEST_REFINE = 4;
  /** Statistical security of the carry-free count masks, in bits. */
  static final int MASK_SLACK_BITS = 40;

  private SsheEvaluation() {}

  /** Returns the bin width when each host has {@code hostBins} bins: the hosts' span over them. */
  static double width(int hostBins) {
    return HOST_SPAN / hostBins;
  }

  /** Returns the number of guest bins, each {@link #GUEST_REFINE} times finer than a host's. */
  static int guestBins(int hostBins) {
    return (int) Math.ceil(GUEST_SPAN * GUEST_REFINE / width(hostBins));
  }

  /** Returns the number of score positions: guest bins plus the hosts' summed bins, in guest units. */
  static int scorePositions(int hostBins, int hostSumPositions) {
    return guestBins(hostBins) + GUEST_REFINE * (hostSumPositions - 1);
  }

  /** Returns the bin of a partial score among {@code bins} bins of {@code width} centred on 0, clamped. */
  static int bin(double score, double width, int bins) {
    long b = (long) Math.floor(score / width) + bins / 2;
    return (int) Math.max(0, Math.min(bins - 1, b));
  }

  /** Returns the slot width for counts up to {@code rows}: their bits, one more, and the mask slack. */
  static int slotBits(int rows) {
    return 32 - Integer.numberOfLeadingZeros(rows) + 1 + MASK_SLACK_BITS;
  }
}
