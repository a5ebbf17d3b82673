package dev.tandem.bench.rounds;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The scenario runner: whole federated rounds over loopback mTLS, secure aggregation against plain
 * FedAvg measured in the same run, for N sites and d parameters, with 0% and 30% dropout.
 *
 * <p>Run: {@code bench/run.sh rounds [--sites 3,10,50] [--dims 10000,1000000] [--out FILE]}.
 * Prints a table and writes JSON: one object per (sites, dimension, dropout) with the plain and
 * secure round times and their ratio.
 */
public final class RoundsBench {
  private RoundsBench() {}

  /** One line of the report. */
  record Row(int sites, int dimension, double dropout, double plainSeconds, double secureSeconds) {
    double ratio() {
      return secureSeconds / plainSeconds;
    }
  }

  public static void main(String[] args) throws Exception {
    int[] sites = {3, 10, 50};
    int[] dims = {10_000, 1_000_000};
    Path out = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--sites" -> sites = ints(args[++i]);
        case "--dims" -> dims = ints(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]
            + " (use --sites 3,10,50 --dims 10000,1000000 --out FILE)");
      }
    }
    List<Row> rows = new ArrayList<>();
    for (int d : dims) {
      for (int n : sites) {
        // plain and secure back to back, so both see the same machine state
        List<RoundScenario.Result> plain = RoundScenario.run(n, d, false, 0.3);
        List<RoundScenario.Result> secure = RoundScenario.run(n, d, true, 0.3);
        for (int k = 0; k < 2; k++) {
          Row row = new Row(n, plain.get(k).dimension(), plain.get(k).dropout(), plain.get(k).seconds(),
              secure.get(k).seconds());
          rows.add(row);
          System.err.println(line(row));
        }
      }
    }
    System.out.println(String.format(Locale.ROOT, "%6s %10s %8s %10s %10s %8s", "sites", "d", "dropout", "plain s",
        "secure s", "ratio"));
    rows.forEach(r -> System.out.println(line(r)));
    String json = json(rows);
    if (out != null) {
      Path parent = out.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(out, json);
      System.out.println("wrote " + out);
    } else {
      System.out.println(json);
    }
  }

  private static String line(Row r) {
    return String.format(Locale.ROOT, "%6d %10d %7.0f%% %10.3f %10.3f %8.2f", r.sites(), r.dimension(),
        r.dropout() * 100, r.plainSeconds(), r.secureSeconds(), r.ratio());
  }

  private static String json(List<Row> rows) throws IOException {
    StringBuilder sb = new StringBuilder("{\"benchmark\":\"rounds\",\"machine\":{\"cores\":")
        .append(Runtime.getRuntime().availableProcessors()).append(",\"java\":\"")
        .append(System.getProperty("java.version")).append("\"},\"results\":[");
    for (int i = 0; i < rows.size(); i++) {
      Row r = rows.get(i);
      sb.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT,
          "{\"sites\":%d,\"dimension\":%d,\"dropout\":%.2f,\"plainSeconds\":%.4f,\"secureSeconds\":%.4f,"
              + "\"ratio\":%.3f}", r.sites(), r.dimension(), r.dropout(), r.plainSeconds(), r.secureSeconds(),
          r.ratio()));
    }
    return sb.append("]}").toString();
  }

  private static int[] ints(String csv) {
    String[] parts = csv.split(",");
    int[] out = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      out[i] = Integer.parseInt(parts[i].trim());
    }
    return out;
  }
}
