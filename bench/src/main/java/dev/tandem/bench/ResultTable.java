package dev.tandem.bench;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;

/** The small table BenchMain prints: one row per score, with its ratio to the same-run baseline. */
final class ResultTable {
  /** Secondary results with this label are byte counters (see the PRG benchmark), shown as GB/s. */
  static final String BYTES_LABEL = "bytes";

  /**
   * One score.
   *
   * @param score the mean over the measured iterations, as JMH reports it
   * @param error the half-width of JMH's 99.9% confidence interval, NaN with one iteration
   * @param median the median over the measured iterations
   * @param ratio median / baseline median in the same unit, NaN without a baseline
   */
  record Row(String benchmark, String params, double score, double error, double median, String unit,
      String baseline, double ratio) {}

  private ResultTable() {}

  /** Returns the rows of {@code results}, in run order: each primary score, then its secondary scores. */
  static List<Row> rows(Collection<RunResult> results) {
    List<RunResult> all = List.copyOf(results);
    List<Row> rows = new ArrayList<>();
    for (RunResult result : all) {
      BenchmarkParams params = result.getParams();
      Optional<String> baselineName = baselineOf(params.getBenchmark());
      Optional<RunResult> baseline = baselineName.flatMap(name -> find(all, params, name));
      String shortName = shortName(params.getBenchmark());
      String paramText = paramText(params);
      rows.add(row(shortName, paramText, result.getPrimaryResult(),
          baseline.map(RunResult::getPrimaryResult), baselineName));
      for (Map.Entry<String, Result> secondary : result.getSecondaryResults().entrySet()) {
        Optional<Result> baselineSecondary = baseline.map(b -> b.getSecondaryResults().get(secondary.getKey()));
        rows.add(row(shortName + ":" + secondary.getKey(), paramText, secondary.getValue(), baselineSecondary,
            baselineName));
      }
    }
    return rows;
  }

  /** Formats rows as a fixed-width text table with a header and a footnote on the ratio. */
  static String format(List<Row> rows) {
    String header = "%-38s %-36s %10s %10s %10s %-6s %-16s %8s%n";
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, header, "benchmark", "params", "mean", "error", "median", "unit", "baseline",
        "ratio"));
    for (Row r : rows) {
      sb.append(String.format(Locale.ROOT, header, r.benchmark(), r.params(), number(r.score()),
          Double.isNaN(r.error()) ? "" : "±" + number(r.error()), number(r.median()), r.unit(), r.baseline(),
          Double.isNaN(r.ratio()) ? "" : String.format(Locale.ROOT, "%.3f", r.ratio())));
    }
    sb.append("ratio = median / baseline median, same run, same unit (medians resist an iteration disturbed by\n")
        .append("other load): for a rate (ops/s, GB/s) the share of the baseline's throughput reached, for a time\n")
        .append("per op (us/op, ms/op) how many times slower. error: JMH's 99.9% confidence half-width.\n");
    return sb.toString();
  }

  /** Returns the 1, 5 and 15 minute load averages (Linux), or "unknown". */
  static String load() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return fields[0] + " " + fields[1] + " " + fields[2];
    } catch (IOException | SecurityException | ArrayIndexOutOfBoundsException e) {
      return "unknown";
    }
  }

  /** Returns one line on the machine: CPU model (Linux), cores, JVM, OS. */
  static String machine() {
    String cpu = System.getProperty("os.arch");
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          cpu = line.substring(line.indexOf(':') + 1).trim();
          break;
        }
      }
    } catch (IOException | SecurityException e) {
      // not Linux: keep the architecture
    }
    return String.format(Locale.ROOT, "%s, %d cores, %s %s, %s %s", cpu, Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.vm.name"), System.getProperty("java.version"), System.getProperty("os.name"),
        System.getProperty("os.version"));
  }

  private static Row row(String name, String params, Result result, Optional<Result> baseline,
      Optional<String> baselineName) {
    double scale = 1;
    String unit = result.getScoreUnit();
    if (name.endsWith(":" + BYTES_LABEL) && unit.equals("ops/s")) {
      scale = 1e-9;
      unit = "GB/s";
    }
    double ratio = baseline.filter(b -> b.getScoreUnit().equals(result.getScoreUnit()))
        .map(b -> median(result) / median(b)).orElse(Double.NaN);
    double error = result.getScoreError() * scale;
    return new Row(name, params, result.getScore() * scale, error, median(result) * scale, unit,
        baselineName.orElse(""), ratio);
  }

  private static double median(Result result) {
    return result.getStatistics().getPercentile(50);
  }

  /** The baseline named by {@link Baseline} on the benchmark method, if any. */
  private static Optional<String> baselineOf(String benchmark) {
    int dot = benchmark.lastIndexOf('.');
    try {
      Class<?> type = Class.forName(benchmark.substring(0, dot));
      for (Method method : type.getMethods()) {
        if (method.getName().equals(benchmark.substring(dot + 1)) && method.isAnnotationPresent(Baseline.class)) {
          return Optional.of(method.getAnnotation(Baseline.class).value());
        }
      }
      return Optional.empty();
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("benchmark class of " + benchmark + " is not on the class path", e);
    }
  }

  /** The result of {@code baselineMethod} in the same class whose parameters agree with {@code params}. */
  private static Optional<RunResult> find(List<RunResult> all, BenchmarkParams params, String baselineMethod) {
    String benchmark = params.getBenchmark();
    String wanted = benchmark.substring(0, benchmark.lastIndexOf('.') + 1) + baselineMethod;
    return all.stream()
        .filter(r -> r.getParams().getBenchmark().equals(wanted))
        .filter(r -> r.getParams().getMode() == params.getMode())
        .filter(r -> r.getParams().getParamsKeys().stream()
            .allMatch(k -> r.getParams().getParam(k).equals(params.getParam(k))))
        .findFirst();
  }

  private static String shortName(String benchmark) {
    int method = benchmark.lastIndexOf('.');
    int type = benchmark.lastIndexOf('.', method - 1);
    return benchmark.substring(type + 1);
  }

  private static String paramText(BenchmarkParams params) {
    List<String> parts = new ArrayList<>();
    for (String key : params.getParamsKeys()) {
      parts.add(key + "=" + params.getParam(key));
    }
    return String.join(" ", parts);
  }

  private static String number(double x) {
    double a = Math.abs(x);
    if (a >= 100) {
      return String.format(Locale.ROOT, "%.0f", x);
    }
    if (a >= 10) {
      return String.format(Locale.ROOT, "%.1f", x);
    }
    if (a >= 1) {
      return String.format(Locale.ROOT, "%.2f", x);
    }
    return String.format(Locale.ROOT, "%.3g", x);
  }
}
