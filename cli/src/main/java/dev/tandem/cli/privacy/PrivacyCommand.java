package dev.tandem.cli.privacy;

import dev.tandem.model.DpSpec;
import dev.tandem.crypto.dp.PrivacyPlanner;
import dev.tandem.crypto.dp.PrivacySpent;
import dev.tandem.crypto.dp.RdpAccountant;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tandem privacy plan}: the epsilon of a DP-SGD run, or the noise multiplier a target epsilon needs. */
@Command(name = "privacy", description = "Plan differential-privacy budgets with the RDP accountant.",
    subcommands = {PrivacyCommand.Plan.class})
public final class PrivacyCommand {

  /**
   * {@code privacy plan}. Exit 0 with the answer on stdout; exit 2 with one line on stderr for bad input.
   *
   * <p>The numeric options are read as text and parsed here, so that a malformed or out-of-range
   * value, a missing option or both of --noise-multiplier and --target-epsilon give one line on
   * stderr whatever parameter-exception handler the root command has.
   */
  @Command(name = "plan",
      customSynopsis = "tandem privacy plan --sampling-rate=Q (--noise-multiplier=SIGMA | --target-epsilon=E)"
          + " --steps=T --delta=D [--releases=N] [--json]",
      description = {
          "Privacy of DP-SGD (Poisson-subsampled Gaussian mechanism): RDP accountant",
          "as in Opacus and dp_accounting, (epsilon, delta) by Balle et al. 2020.",
          "With --noise-multiplier: prints epsilon and the optimal RDP order.",
          "With --target-epsilon: prints the smallest noise multiplier that meets",
          "it (within 0.1%% relative).",
          "--releases N adds N released aggregates (a DP job's statistics and its",
          "final evaluation: 2), each a Gaussian mechanism of noise multiplier 10."})
  static final class Plan implements Callable<Integer> {
    static final int BAD_INPUT = 2;

    @Spec
    CommandSpec spec;

    @Option(names = "--sampling-rate", paramLabel = "Q", description = "sampling rate per step, in (0, 1]")
    String samplingRate;

    @Option(names = "--noise-multiplier", paramLabel = "SIGMA",
        description = "noise standard deviation / clipping norm, > 0")
    String noiseMultiplier;

    @Option(names = "--target-epsilon", paramLabel = "E", description = "the epsilon to meet, > 0")
    String targetEpsilon;

    @Option(names = "--steps", paramLabel = "T", description = "number of steps, >= 1")
    String steps;

    @Option(names = "--delta", paramLabel = "D", description = "delta, in (0, 1)")
    String delta;

    @Option(names = "--releases", paramLabel = "N",
        description = "released aggregates on top of the steps (statistics, evaluation; a DP job makes 2), >= 0")
    String releases;

    @Option(names = "--json", description = "print one JSON object")
    boolean json;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
    boolean help;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      try {
        double q = number("--sampling-rate", samplingRate);
        if (!(q > 0 && q <= 1)) {
          throw new BadInput("--sampling-rate must be in (0, 1], got " + samplingRate);
        }
        long t = integer("--steps", steps);
        if (t < 1) {
          throw new BadInput("--steps must be >= 1, got " + steps);
        }
        double d = number("--delta", delta);
        if (!(d > 0 && d < 1)) {
          throw new BadInput("--delta must be in (0, 1), got " + delta);
        }
        long r = releases == null ? 0 : integer("--releases", releases);
        if (r < 0) {
          throw new BadInput("--releases must be >= 0, got " + releases);
        }
        RdpAccountant base = RdpAccountant.empty().compose(1.0, DpSpec.RELEASE_NOISE_MULTIPLIER, r);
        if ((noiseMultiplier == null) == (targetEpsilon == null)) {
          throw new BadInput("give exactly one of --noise-multiplier and --target-epsilon");
        }
        if (noiseMultiplier != null) {
          double sigma = positive("--noise-multiplier", noiseMultiplier);
          PrivacySpent spent = base.compose(q, sigma, t).spent(d);
          out.println(json
              ? json(q, sigma, null, t, r, spent)
              : "epsilon " + show(spent.epsilon()) + " at delta " + show(d) + " (optimal RDP order "
                  + show(spent.optimalOrder()) + ")" + withReleases(r));
        } else {
          double target = positive("--target-epsilon", targetEpsilon);
          double sigma;
          try {
            sigma = PrivacyPlanner.noiseMultiplierFor(target, q, t, d, base);
          } catch (IllegalArgumentException e) {
            throw new BadInput(e.getMessage());
          }
          PrivacySpent spent = base.compose(q, sigma, t).spent(d);
          out.println(json
              ? json(q, sigma, target, t, r, spent)
              : "noise multiplier " + show(sigma) + " (epsilon " + show(spent.epsilon()) + " <= target "
                  + show(target) + " at delta " + show(d) + ", optimal RDP order " + show(spent.optimalOrder())
                  + ")" + withReleases(r));
        }
        out.flush();
        return 0;
      } catch (BadInput e) {
        err.println("tandem privacy plan: " + e.getMessage());
        err.flush();
        return BAD_INPUT;
      }
    }

    private static double number(String option, String text) {
      if (text == null) {
        throw new BadInput(option + " is required");
      }
      try {
        return Double.parseDouble(text.trim());
      } catch (NumberFormatException e) {
        throw new BadInput(option + " must be a number, got '" + text + "'");
      }
    }

    private static double positive(String option, String text) {
      double v = number(option, text);
      if (!(v > 0) || Double.isInfinite(v)) {
        throw new BadInput(option + " must be finite and > 0, got " + text);
      }
      return v;
    }

    private static long integer(String option, String text) {
      if (text == null) {
        throw new BadInput(option + " is required");
      }
      try {
        return Long.parseLong(text.trim());
      } catch (NumberFormatException e) {
        throw new BadInput(option + " must be a whole number, got '" + text + "'");
      }
    }

    private static String withReleases(long r) {
      return r == 0 ? "" : ", " + r + " release" + (r == 1 ? "" : "s") + " at noise multiplier "
          + show(DpSpec.RELEASE_NOISE_MULTIPLIER) + " included";
    }

    /** Six significant digits, plain where short. */
    static String show(double v) {
      if (!Double.isFinite(v)) {
        return Double.isNaN(v) ? "none" : "infinite";
      }
      return new BigDecimal(v).round(new MathContext(6)).stripTrailingZeros().toString();
    }

    static String json(double q, double sigma, Double target, long steps, long releases, PrivacySpent spent) {
      StringBuilder sb = new StringBuilder("{");
      sb.append("\"samplingRate\":").append(jsonNumber(q));
      if (target != null) {
        sb.append(",\"targetEpsilon\":").append(jsonNumber(target));
      }
      sb.append(",\"noiseMultiplier\":").append(jsonNumber(sigma));
      sb.append(",\"steps\":").append(steps);
      sb.append(",\"releases\":").append(releases);
      sb.append(",\"delta\":").append(jsonNumber(spent.delta()));
      sb.append(",\"epsilon\":").append(jsonNumber(spent.epsilon()));
      sb.append(",\"optimalOrder\":").append(jsonNumber(spent.optimalOrder()));
      return sb.append('}').toString();
    }

    private static String jsonNumber(double v) {
      return Double.isFinite(v) ? Double.toString(v) : "null";
    }
  }

  /** Bad command-line input: reported as one line, exit code 2. */
  private static final class BadInput extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadInput(String message) {
      super(message, null, false, false);
    }
  }
}
