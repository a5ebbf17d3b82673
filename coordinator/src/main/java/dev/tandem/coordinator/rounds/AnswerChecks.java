package dev.tandem.coordinator.rounds;

import dev.tandem.coordinator.rounds.Rejection.Reason;

/** Checks of an answer's content against what the job expects; each failure names the problem. */
public final class AnswerChecks {
  /** The largest score histogram a site may send. */
  public static final int MAX_HISTOGRAM_BINS = 100_000;

  private AnswerChecks() {}

  public static void check(Answers.Update u, int parameterCount) throws Rejection {
    double[] p = u.parameters();
    if (p.length != parameterCount) {
      throw new Rejection(Reason.MALFORMED, "the update has " + p.length
          + " parameters; this job's model has " + parameterCount);
    }
    requireFinite("parameter", p);
    if (u.samples() <= 0) {
      throw new Rejection(Reason.MALFORMED, "the update's sample count must be positive, got " + u.samples());
    }
    if (!Double.isFinite(u.trainLoss()) || u.trainLoss() < 0) {
      throw new Rejection(Reason.MALFORMED, "the training loss must be finite and non-negative, got " + u.trainLoss());
    }
  }

  public static void check(Answers.Stats s, int numericFeatures) throws Rejection {
    if (s.counts().length != numericFeatures || s.sums().length != numericFeatures
        || s.sumSquares().length != numericFeatures) {
      throw new Rejection(Reason.MALFORMED, "the statistics must hold one entry per numeric feature ("
          + numericFeatures + "), got " + s.counts().length);
    }
    requireFinite("sum", s.sums());
    requireFinite("sum of squares", s.sumSquares());
    for (int i = 0; i < numericFeatures; i++) {
      if (s.counts()[i] < 0 || s.counts()[i] > s.records()) {
        throw new Rejection(Reason.MALFORMED, "feature " + i + " has count " + s.counts()[i]
            + " for " + s.records() + " records");
      }
    }
  }

  public static void check(Answers.Evaluation e) throws Rejection {
    long[] pos = e.positiveHistogram();
    long[] neg = e.negativeHistogram();
    if (pos.length != neg.length || pos.length == 0 || pos.length > MAX_HISTOGRAM_BINS) {
      throw new Rejection(Reason.MALFORMED, "the score histograms must have the same length in 1.."
          + MAX_HISTOGRAM_BINS + ", got " + pos.length + " and " + neg.length);
    }
    long total = 0;
    long positives = 0;
    for (int i = 0; i < pos.length; i++) {
      if (pos[i] < 0 || neg[i] < 0) {
        throw new Rejection(Reason.MALFORMED, "histogram bin " + i + " is negative");
      }
      total += pos[i] + neg[i];
      positives += pos[i];
    }
    if (total != e.samples() || positives != e.positives()) {
      throw new Rejection(Reason.MALFORMED, "the histograms count " + total + " samples and " + positives
          + " positives; the report says " + e.samples() + " and " + e.positives());
    }
    if (e.correct() < 0 || e.correct() > e.samples()) {
      throw new Rejection(Reason.MALFORMED, "correct predictions must be in 0.." + e.samples());
    }
    if (!Double.isFinite(e.logLossSum()) || e.logLossSum() < 0) {
      throw new Rejection(Reason.MALFORMED, "the log loss must be finite and non-negative");
    }
  }

  private static void requireFinite(String what, double[] values) throws Rejection {
    for (int i = 0; i < values.length; i++) {
      if (!Double.isFinite(values[i])) {
        throw new Rejection(Reason.MALFORMED, what + " " + i + " is " + values[i]
            + "; every value must be a finite number");
      }
    }
  }
}
