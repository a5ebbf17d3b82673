package dev.tandem.node.vertical;

import dev.tandem.model.FeatureSpec;
import dev.tandem.model.vertical.VerticalJobSpec;
import dev.tandem.model.vertical.VerticalParty;

/**
 * The fewest rows a batch of a vertical job may hold at this node: more than any party's gradient
 * has entries, so that no party can solve a batch's gradient for the values it was summed over (a
 * host that learns X_h^T D over B <= d_h rows solves for D and so for the labels), and at least the
 * site minimum.
 *
 * <p>A party's width counts encoded columns (a categorical feature as one column per category);
 * the guest's also counts its intercept, since its gradient has that entry too.
 *
 * @param value max(siteMinimum, widestColumns + 1)
 * @param siteMinimum the node's {@link VerticalPolicy#minBatchSize()}
 * @param widestSite the party with the most columns (the first in the spec's order on a tie)
 * @param widestColumns that party's columns
 * @param widestIsGuest whether that party is the guest (its columns then include the intercept)
 */
record BatchFloor(int value, int siteMinimum, String widestSite, int widestColumns, boolean widestIsGuest) {

  BatchFloor {
    if (value != Math.max(siteMinimum, widestColumns + 1)) {
      throw new IllegalArgumentException("the floor is max(" + siteMinimum + ", " + widestColumns + " + 1), not "
          + value);
    }
  }

  /** The floor of {@code job} under a site minimum of {@code siteMinimum}. */
  static BatchFloor of(VerticalJobSpec job, int siteMinimum) {
    String widest = null;
    int columns = -1;
    boolean guest = false;
    for (String site : job.sites()) {
      VerticalParty p = job.party(site);
      boolean isGuest = p.site().equals(job.guest().site());
      int c = columns(p) + (isGuest ? 1 : 0);
      if (c > columns) {
        widest = p.site();
        columns = c;
        guest = isGuest;
      }
    }
    return new BatchFloor(Math.max(siteMinimum, columns + 1), siteMinimum, widest, columns, guest);
  }

  /** The encoded columns of {@code party}'s features. */
  static int columns(VerticalParty party) {
    return party.features().stream().mapToInt(FeatureSpec::width).sum();
  }

  /** How the floor is made, for refusals: "8 = max(site minimum 4, 1 + 7 columns of 'bank' (with its intercept))". */
  String explain() {
    return value + " = max(site minimum " + siteMinimum + ", 1 + the " + widestColumns + " encoded columns of '"
        + widestSite + "'" + (widestIsGuest ? " with its intercept" : "") + ")";
  }
}
