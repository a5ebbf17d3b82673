package dev.tandem.cli.job;

import dev.tandem.proto.v1.JobEvent;
import dev.tandem.proto.v1.RoundMetrics;
import java.io.PrintStream;
import java.util.Locale;

/** Prints a job's events as one line each. */
public final class Progress {
  private Progress() {}

  public static void print(PrintStream out, JobEvent e, int rounds) {
    if (e.hasRoundCompleted()) {
      RoundMetrics r = e.getRoundCompleted();
      out.println(String.format(Locale.ROOT, "round %2d/%d  sites %d  train loss %.4f  held-out loss %.4f  AUC %.4f  accuracy %.4f",
          r.getRound(), rounds, r.getSitesCount(), r.getTrainLoss(), r.getLogLoss(), r.getAuc(), r.getAccuracy()));
    } else if (e.hasSiteEvent()) {
      out.println("  site " + e.getSiteEvent().getSite() + ": " + e.getSiteEvent().getWhat());
    } else if (e.hasFinished()) {
      out.println("job " + e.getJobId() + " " + e.getFinished().getState()
          + (e.getFinished().getReason().isEmpty() ? "" : ": " + e.getFinished().getReason()));
    }
  }
}
