package dev.tandem.cli.job;

import dev.tandem.model.vertical.VerticalJobSpec;
import dev.tandem.model.vertical.VerticalParty;
import dev.tandem.proto.v1.JobEvent;
import dev.tandem.proto.v1.RoundMetrics;
import dev.tandem.proto.v1.SiteEvent;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Prints a job's events as one line each.
 *
 * <p>A vertical job's metrics carry the parties' intersection: one {@link RoundMetrics} per epoch
 * (round = epoch, train loss) and a final one with the train AUC of the aligned rows.
 */
public final class Progress {
  private Progress() {}

  /** Prints one event of a horizontal or vertical job; {@code rounds} is the rounds or epochs planned. */
  public static void print(PrintStream out, JobEvent e, int rounds) {
    if (e.hasRoundCompleted()) {
      RoundMetrics r = e.getRoundCompleted();
      if (isFinalEvaluation(r)) {
        out.println(String.format(Locale.ROOT, "final  intersection %,d  train AUC %.4f%s", r.getIntersection(),
            r.getAuc(), r.getModelVersion().isEmpty() ? "" : "  model " + r.getModelVersion()));
      } else if (r.getIntersection() > 0) {
        out.println(String.format(Locale.ROOT, "epoch %2d/%d  intersection %,d  train loss %.4f", r.getRound(),
            rounds, r.getIntersection(), r.getTrainLoss()));
      } else {
        out.println(String.format(Locale.ROOT,
            "round %2d/%d  sites %d  train loss %.4f  held-out loss %.4f  AUC %.4f  accuracy %.4f",
            r.getRound(), rounds, r.getSitesCount(), r.getTrainLoss(), r.getLogLoss(), r.getAuc(), r.getAccuracy()));
      }
    } else if (e.hasSiteEvent()) {
      out.println("  site " + e.getSiteEvent().getSite() + ": " + e.getSiteEvent().getWhat());
    } else if (e.hasFinished()) {
      out.println("job " + e.getJobId() + " " + e.getFinished().getState()
          + (e.getFinished().getReason().isEmpty() ? "" : ": " + e.getFinished().getReason()));
    }
  }

  /**
   * Whether metrics are a vertical job's final evaluation (the train AUC over the intersection)
   * rather than an epoch or a horizontal round.
   */
  public static boolean isFinalEvaluation(RoundMetrics r) {
    return r.getIntersection() > 0 && r.getAuc() > 0;
  }

  /**
   * A printer of one vertical job's events for people: a title naming the parties and, once the
   * parties have aligned, the size of their private set intersection; then a line per epoch with
   * its loss, the final train AUC, and any other site event. Not thread-safe.
   *
   * @param subjects what the aligned subjects are called in the title, e.g. {@code "customers"}
   */
  public static Consumer<JobEvent> vertical(PrintStream out, String jobId, VerticalJobSpec spec, String subjects) {
    return new VerticalPrinter(out, jobId, spec, subjects);
  }

  /** {@code credit-risk job ID: bank (guest, 19 features + label) + operator (host, 4 features)}. */
  static String title(String jobId, VerticalJobSpec spec) {
    List<String> parties = new ArrayList<>();
    parties.add(party(spec.guest(), "guest", " + label"));
    spec.hosts().forEach(h -> parties.add(party(h, "host", "")));
    return spec.purpose() + " job " + jobId + ": " + String.join(" + ", parties);
  }

  private static String party(VerticalParty p, String role, String extra) {
    int n = p.features().size();
    return p.site() + " (" + role + ", " + n + (n == 1 ? " feature" : " features") + extra + ")";
  }

  private static final class VerticalPrinter implements Consumer<JobEvent> {
    private static final String INTERSECTION = "intersection ";

    private final PrintStream out;
    private final String title;
    private final String subjects;
    private boolean titled;

    VerticalPrinter(PrintStream out, String jobId, VerticalJobSpec spec, String subjects) {
      this.out = Objects.requireNonNull(out, "out");
      this.title = Progress.title(jobId, spec);
      this.subjects = Objects.requireNonNull(subjects, "subjects");
    }

    @Override
    public void accept(JobEvent e) {
      if (e.hasSiteEvent()) {
        SiteEvent s = e.getSiteEvent();
        if (!titled && s.getWhat().startsWith(INTERSECTION)) {
          try {
            titleWith(Long.parseLong(s.getWhat().substring(INTERSECTION.length()).strip()));
            return;
          } catch (NumberFormatException notACount) {
            // not the alignment's report: printed below as any other event
          }
        }
        out.println("  site " + s.getSite() + ": " + s.getWhat());
      } else if (e.hasRoundCompleted()) {
        RoundMetrics r = e.getRoundCompleted();
        if (!titled) {
          titleWith(r.getIntersection());
        }
        if (r.getAuc() > 0) { // only the final evaluation of a vertical job has an AUC
          out.println(String.format(Locale.ROOT, "  final train AUC %.4f", r.getAuc()));
        } else {
          out.println(String.format(Locale.ROOT, "  epoch %d: loss %.4f", r.getRound(), r.getTrainLoss()));
        }
      } else if (e.hasFinished() && !"SUCCEEDED".equals(e.getFinished().getState())) {
        if (!titled) {
          out.println(title);
          titled = true;
        }
        out.println("  " + e.getFinished().getState()
            + (e.getFinished().getReason().isEmpty() ? "" : ": " + e.getFinished().getReason()));
      }
    }

    private void titleWith(long intersection) {
      out.println(String.format(Locale.ROOT, "%s; PSI intersection %,d %s", title, intersection, subjects));
      titled = true;
    }
  }
}
