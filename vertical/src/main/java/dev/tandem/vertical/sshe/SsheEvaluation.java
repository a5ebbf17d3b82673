package dev.tandem.vertical.sshe;

/**
 * Constants of the evaluation: scores are binned per party with one bin width, so that the sum of
 * the parties' bins is the bin of the sum up to the parties' rounding; the guest learns the AUC of
 * the binned scores and nothing per row.
 */
final class SsheEvaluation {
  /** The span of logits that the hosts' bins cover together (centred on 0). */
  static final double HOST_SPAN = 8.0;
  /** The span of logits that the guest's bins cover (centred on 0). */
  static final double GUEST_SPAN = 16.0;
  /** Statistical security of the carry-free count masks, in bits. */
  static final int MASK_SLACK_BITS = 40;

  private SsheEvaluation() {}

  /** Returns the bin width when each host has {@code hostBins} bins: the hosts' span over them. */
  static double width(int hostBins) {
    return HOST_SPAN / hostBins;
  }

  /** Returns the number of guest bins for that width. */
  static int guestBins(int hostBins) {
    return (int) Math.ceil(GUEST_SPAN / width(hostBins));
  }

  /** Returns the bin of a partial score among {@code bins} bins of {@code width} centred on 0, clamped. */
  static int bin(double score, double width, int bins) {
    long b = (long) Math.floor(score / width) + bins / 2;
    return (int) Math.max(0, Math.min(bins - 1, b));
  }

  /**
   * Returns the AUC of the binned scores the protocol computes, from the parties' partial scores (the
   * guest's first, its intercept included): a reference for tests.
   */
  static double binnedAuc(double[] guest, java.util.List<double[]> hosts, boolean[] y, int hostBins) {
    double width = width(hostBins);
    int guestBins = guestBins(hostBins);
    int positions = hosts.size() * (hostBins - 1) + 1;
    int m = guestBins + positions - 1;
    long[] pos = new long[m];
    long[] neg = new long[m];
    for (int i = 0; i < y.length; i++) {
      int s = bin(guest[i], width, guestBins);
      for (double[] h : hosts) {
        s += bin(h[i], width, hostBins);
      }
      if (y[i]) {
        pos[s]++;
      } else {
        neg[s]++;
      }
    }
    double count = 0;
    long below = 0;
    long p = 0;
    for (int k = 0; k < m; k++) {
      count += pos[k] * (2.0 * below + neg[k]);
      below += neg[k];
      p += pos[k];
    }
    return count / (2.0 * p * below);
  }

  /** Returns the slot width for counts up to {@code rows}: their bits, one more, and the mask slack. */
  static int slotBits(int rows) {
    return 32 - Integer.numberOfLeadingZeros(rows) + 1 + MASK_SLACK_BITS;
  }
}
