package dev.tandem.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs a suite of JMH benchmarks programmatically, writes JMH's JSON and prints a small table
 * with each score's ratio to its same-run {@link Baseline}.
 *
 * <p>Run: {@code bench/run.sh crypto [--out FILE] [--include REGEX]... [--param NAME=V1,V2]...
 * [--warmup N] [--iterations N] [--time SECONDS] [--forks N]}. Defaults: {@link RunSettings#DEFAULT};
 * the full crypto suite takes four and a half minutes on two idle cores, more when other work
 * shares them (the table's header shows the load average). The JVM running this class must
 * have the benchmarks and their dependencies on its class path: the forks inherit it.
 */
public final class BenchMain {
  private static final Map<String, String> SUITES = Map.of("crypto", "dev.tandem.bench.crypto");

  private BenchMain() {}

  /** Returns the suites by name, each with the package whose benchmarks it runs. */
  public static Map<String, String> suites() {
    return SUITES;
  }

  /**
   * Returns the JMH include pattern of {@code suite}, narrowed to benchmarks whose name after the
   * package contains a match of {@code include} if it is not null.
   *
   * @throws IllegalArgumentException if the suite is unknown
   */
  public static String includePattern(String suite, String include) {
    String pkg = SUITES.get(suite);
    if (pkg == null) {
      throw new IllegalArgumentException("unknown suite " + suite + ", known: " + SUITES.keySet());
    }
    return "^" + Pattern.quote(pkg + ".") + ".*" + (include == null ? "" : "(?:" + include + ")");
  }

  /**
   * Runs the benchmarks matching any of {@code includes} (JMH regular expressions, matched anywhere in
   * the fully qualified benchmark name), in forked JVMs.
   *
   * @param params overrides of {@code @Param} values by parameter name; empty for the declared ones
   * @param jsonOut where JMH writes its JSON result, or null for none
   * @return the results in run order
   * @throws RunnerException if nothing matches or a benchmark fails
   */
  public static Collection<RunResult> run(
      List<String> includes, Map<String, List<String>> params, RunSettings settings, Path jsonOut)
      throws RunnerException {
    Objects.requireNonNull(settings, "settings");
    if (includes.isEmpty()) {
      throw new IllegalArgumentException("includes must not be empty");
    }
    ChainedOptionsBuilder options = new OptionsBuilder()
        .warmupIterations(settings.warmupIterations())
        .warmupTime(TimeValue.milliseconds(settings.warmupTime().toMillis()))
        .measurementIterations(settings.measurementIterations())
        .measurementTime(TimeValue.milliseconds(settings.measurementTime().toMillis()))
        .forks(settings.forks())
        .shouldFailOnError(true);
    includes.forEach(options::include);
    params.forEach((name, values) -> options.param(name, values.toArray(String[]::new)));
    if (jsonOut != null) {
      options.result(jsonOut.toString()).resultFormat(ResultFormatType.JSON);
    }
    return new Runner(options.build()).run();
  }

  /** Returns the table of {@code results}: benchmark, params, score, error, unit, baseline, ratio. */
  public static String table(Collection<RunResult> results) {
    return ResultTable.format(ResultTable.rows(results));
  }

  /** Returns one line describing this machine: CPU model, cores, JVM, OS. */
  public static String machine() {
    return ResultTable.machine();
  }

  /** Command line: {@code <suite> [options]}, see the class comment; exits 2 on a usage error. */
  public static void main(String[] args) throws Exception {
    Invocation invocation;
    try {
      invocation = Invocation.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println("usage: BenchMain <suite> [--out FILE] [--include REGEX]... [--param NAME=V1,V2]..."
          + " [--warmup N] [--iterations N] [--time SECONDS] [--forks N]; suites: " + SUITES.keySet());
      System.exit(2);
      return;
    }
    if (invocation.out() != null) {
      Path parent = invocation.out().toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
    }
    String loadBefore = ResultTable.load();
    long start = System.nanoTime();
    Collection<RunResult> results = run(invocation.includes(), invocation.params(), invocation.settings(),
        invocation.out());
    double minutes = (System.nanoTime() - start) / 60e9;
    System.out.println();
    System.out.println("Machine: " + machine());
    System.out.println(String.format(Locale.ROOT, "Suite %s, %s, %.1f min; load average before %s, after %s",
        invocation.suite(), invocation.settings(), minutes, loadBefore, ResultTable.load()));
    System.out.print(table(results));
    if (invocation.out() != null) {
      System.out.println("JSON: " + invocation.out());
    }
  }

  /** A parsed command line. */
  private record Invocation(
      String suite, List<String> includes, Map<String, List<String>> params, RunSettings settings, Path out) {

    static Invocation parse(String[] args) {
      if (args.length == 0) {
        throw new IllegalArgumentException("missing suite");
      }
      String suite = args[0];
      includePattern(suite, null);
      List<String> includes = new ArrayList<>();
      Map<String, List<String>> params = new LinkedHashMap<>();
      RunSettings d = RunSettings.DEFAULT;
      int warmup = d.warmupIterations();
      int iterations = d.measurementIterations();
      Duration time = d.measurementTime();
      int forks = d.forks();
      Path out = null;
      for (int i = 1; i < args.length; i++) {
        String flag = args[i];
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("missing value after " + flag);
        }
        String value = args[++i];
        switch (flag) {
          case "--out" -> out = Path.of(value);
          case "--include" -> includes.add(includePattern(suite, value));
          case "--param" -> {
            int eq = value.indexOf('=');
            if (eq <= 0 || eq == value.length() - 1) {
              throw new IllegalArgumentException("--param wants NAME=V1,V2, got " + value);
            }
            params.put(value.substring(0, eq), List.of(value.substring(eq + 1).split(",")));
          }
          case "--warmup" -> warmup = integer(flag, value);
          case "--iterations" -> iterations = integer(flag, value);
          case "--time" -> time = Duration.ofMillis(Math.round(1000 * Double.parseDouble(value)));
          case "--forks" -> forks = integer(flag, value);
          default -> throw new IllegalArgumentException("unknown option " + flag);
        }
      }
      if (includes.isEmpty()) {
        includes.add(includePattern(suite, null));
      }
      return new Invocation(suite, List.copyOf(includes), Map.copyOf(params),
          new RunSettings(warmup, time, iterations, time, forks), out);
    }

    private static int integer(String flag, String value) {
      try {
        return Integer.parseInt(value);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(flag + " wants an integer, got " + value, e);
      }
    }
  }
}
