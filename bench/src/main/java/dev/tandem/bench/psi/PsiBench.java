package dev.tandem.bench.psi;

import dev.tandem.crypto.psi.ScalarMultLimit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import org.bouncycastle.math.ec.rfc7748.X25519;

/**
 * The PSI scenario: the ECDH PSI of {@code dev.tandem.crypto.psi.PsiParty} over n ids per side,
 * timed beside its limit, the 4 n bare X25519 scalar multiplications it needs
 * ({@link ScalarMultLimit}, the protocol's own kernel on all cores), measured in the same run.
 *
 * <p>Run: {@code bench/run.sh psi [--ids 100000,1000000] [--out FILE]} (default 100000). For each
 * n, limit and protocol alternate (three rounds up to 200,000 ids, one above) and the limit runs
 * once more at the end; the best wall and the best CPU time of each are reported with their ratio
 * protocol / limit. Process CPU time is the stable measure on a machine shared with other work.
 * The protocol's intersection size is checked on every round. For reference, n one-point
 * multiplications with bouncycastle's {@code X25519.scalarMult} (no shared inversion) are timed too.
 * Prints a table and writes JSON to FILE, or to standard output without {@code --out}.
 */
public final class PsiBench {
  /** The target: PSI within this factor of its scalar-multiplication limit. */
  static final double TARGET_RATIO = 1.5;

  private static final int POOL = 1024;

  private PsiBench() {}

  /** One round: the limit, then the protocol. */
  record Round(Timing limit, PsiScenario.Result protocol) {}

  /**
   * The report of one size.
   *
   * @param limit best of the limit runs (wall and CPU each on its own)
   * @param protocol best of the protocol runs
   * @param steps the protocol run with the least CPU time
   * @param reference n one-point bouncycastle multiplications
   */
  record Row(int ids, List<Round> rounds, Timing limitAgain, Timing limit, Timing protocol,
      PsiScenario.Result steps, Timing reference) {

    long multiplications() {
      return 4L * ids;
    }

    double wallRatio() {
      return protocol.wall() / limit.wall();
    }

    double cpuRatio() {
      return protocol.cpu() / limit.cpu();
    }
  }

  public static void main(String[] args) throws IOException {
    int[] sizes = {100_000};
    Path out = null;
    try {
      for (int i = 0; i < args.length; i++) {
        String flag = args[i];
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("missing value after " + flag);
        }
        switch (flag) {
          case "--ids" -> sizes = sizes(args[++i]);
          case "--out" -> out = Path.of(args[++i]);
          default -> throw new IllegalArgumentException("unknown argument " + flag);
        }
      }
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println("usage: PsiBench [--ids 100000,1000000] [--out FILE]");
      System.exit(2);
      return;
    }
    String loadBefore = load();
    System.err.printf(Locale.ROOT, "cores: %d, load average %s%n", Runtime.getRuntime().availableProcessors(),
        loadBefore);
    ScalarMultLimit limit = ScalarMultLimit.create();
    byte[] pool = validPoints();
    // warm up every path before the first measured run
    PsiScenario.run(5_000);
    limit.run(20_000);
    onePointAtATime(pool, 5_000);
    List<Row> rows = new ArrayList<>();
    for (int n : sizes) {
      rows.add(measure(limit, pool, n));
    }
    String loadAfter = load();
    System.out.println();
    System.out.println("PSI, n ids per side (half shared), protocol beside its limit of 4n X25519 scalar"
        + " multiplications; best of the rounds; load average before " + loadBefore + ", after " + loadAfter);
    System.out.print(table(rows));
    String json = json(rows, loadBefore, loadAfter);
    if (out != null) {
      Path parent = out.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(out, json + "\n");
      System.out.println("JSON: " + out);
    } else {
      System.out.println(json);
    }
  }

  private static Row measure(ScalarMultLimit limit, byte[] pool, int n) {
    int roundCount = n <= 200_000 ? 3 : 1;
    long count = 4L * n;
    System.err.printf(Locale.ROOT, "n = %,d ids per side, half shared: %d round(s) of limit then protocol,"
        + " then the limit again%n", n, roundCount);
    List<Round> rounds = new ArrayList<>();
    Timing bestLimit = Timing.NONE;
    Timing bestProtocol = Timing.NONE;
    PsiScenario.Result steps = null;
    for (int r = 1; r <= roundCount; r++) {
      Timing limitTime = Timing.of(() -> limit.run(count));
      PsiScenario.Result protocol = PsiScenario.run(n);
      rounds.add(new Round(limitTime, protocol));
      System.err.printf(Locale.ROOT, "  round %d: limit (%,d multiplications) %s, protocol %s: ratio %.2f wall,"
          + " %.2f cpu%n    protocol steps, cpu seconds: %s%n", r, count, limitTime, protocol.total(),
          protocol.total().wall() / limitTime.wall(), protocol.total().cpu() / limitTime.cpu(),
          protocol.stepsLine());
      bestLimit = bestLimit.min(limitTime);
      bestProtocol = bestProtocol.min(protocol.total());
      if (steps == null || protocol.total().cpu() < steps.total().cpu()) {
        steps = protocol;
      }
    }
    Timing limitAgain = Timing.of(() -> limit.run(count));
    System.err.printf(Locale.ROOT, "  limit again: %s%n", limitAgain);
    bestLimit = bestLimit.min(limitAgain);
    Timing reference = Timing.of(() -> onePointAtATime(pool, n));
    System.err.printf(Locale.ROOT, "  reference: bouncycastle X25519.scalarMult one point at a time, %,d on all"
        + " cores: %s%n", n, reference);
    return new Row(n, List.copyOf(rounds), limitAgain, bestLimit, bestProtocol, steps, reference);
  }

  static String table(List<Row> rows) {
    String format = "%10s %6s %10s %10s %10s %10s %7s %7s %10s %12s %12s%n";
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, format, "ids/side", "rounds", "limit s", "limit cpu", "psi s", "psi cpu",
        "wall x", "cpu x", "ids/s", "mults/cpu s", "intersection"));
    for (Row r : rows) {
      sb.append(String.format(Locale.ROOT, format, r.ids(), r.rounds().size(), f2(r.limit().wall()),
          f2(r.limit().cpu()), f2(r.protocol().wall()), f2(r.protocol().cpu()), f2(r.wallRatio()),
          f2(r.cpuRatio()), String.format(Locale.ROOT, "%.0f", r.ids() / r.protocol().wall()),
          String.format(Locale.ROOT, "%.0f", r.multiplications() / r.limit().cpu()),
          r.steps().intersection() + " ok"));
    }
    sb.append(String.format(Locale.ROOT, "x = psi / limit, best against best (target: cpu x <= %.1f); ids/s = ids"
        + " per side per wall second of the whole protocol;%nmults/cpu s = the limit's scalar multiplications per"
        + " CPU second; the intersection size is checked on every round.%n", TARGET_RATIO));
    return sb.toString();
  }

  static String json(List<Row> rows, String loadBefore, String loadAfter) {
    StringBuilder sb = new StringBuilder("{\"benchmark\":\"psi\",\"machine\":{\"cores\":")
        .append(Runtime.getRuntime().availableProcessors()).append(",\"java\":\"")
        .append(System.getProperty("java.version")).append("\"},\"loadBefore\":\"").append(loadBefore)
        .append("\",\"loadAfter\":\"").append(loadAfter).append("\",\"targetCpuRatio\":")
        .append(TARGET_RATIO).append(",\"results\":[");
    for (int i = 0; i < rows.size(); i++) {
      Row r = rows.get(i);
      sb.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT,
          "{\"ids\":%d,\"intersection\":%d,\"intersectionChecked\":true,\"rounds\":%d,\"multiplications\":%d,"
              + "\"limit\":%s,\"protocol\":%s,\"wallRatio\":%.3f,\"cpuRatio\":%.3f,\"withinTarget\":%b,"
              + "\"idsPerSecond\":%.0f,\"limitMultiplicationsPerSecond\":%.0f,"
              + "\"limitMultiplicationsPerCpuSecond\":%.0f,\"protocolSteps\":%s,"
              + "\"bouncycastleOnePointAtATime\":{\"multiplications\":%d,\"time\":%s,"
              + "\"multiplicationsPerCpuSecond\":%.0f},\"runs\":[",
          r.ids(), r.steps().intersection(), r.rounds().size(), r.multiplications(), r.limit().json(),
          r.protocol().json(), r.wallRatio(), r.cpuRatio(), r.cpuRatio() <= TARGET_RATIO,
          r.ids() / r.protocol().wall(), r.multiplications() / r.limit().wall(),
          r.multiplications() / r.limit().cpu(), r.steps().stepsJson(), r.ids(), r.reference().json(),
          r.ids() / r.reference().cpu()));
      for (int k = 0; k < r.rounds().size(); k++) {
        Round round = r.rounds().get(k);
        sb.append(k == 0 ? "" : ",").append("{\"limit\":").append(round.limit().json()).append(",\"protocol\":")
            .append(round.protocol().total().json()).append('}');
      }
      sb.append("],\"limitAgain\":").append(r.limitAgain().json()).append('}');
    }
    return sb.append("]}").toString();
  }

  /** count one-point bouncycastle multiplications on all cores (no shared inversion), for reference. */
  private static void onePointAtATime(byte[] pool, int count) {
    byte[] k = new byte[32];
    new SecureRandom().nextBytes(k);
    byte[] out = new byte[count * 32];
    int chunk = 128;
    IntStream.range(0, (count + chunk - 1) / chunk).parallel().forEach(c -> {
      for (int i = c * chunk; i < Math.min(count, (c + 1) * chunk); i++) {
        X25519.scalarMult(k, 0, pool, (i % POOL) * 32, out, i * 32);
      }
    });
  }

  private static byte[] validPoints() {
    SecureRandom random = new SecureRandom();
    byte[] pool = new byte[POOL * 32];
    byte[] k = new byte[32];
    for (int i = 0; i < POOL; i++) {
      random.nextBytes(k);
      X25519.scalarMultBase(k, 0, pool, i * 32);
    }
    return pool;
  }

  /** The 1, 5 and 15 minute load averages (Linux), or "unknown". */
  private static String load() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return fields[0] + " " + fields[1] + " " + fields[2];
    } catch (IOException | SecurityException | ArrayIndexOutOfBoundsException e) {
      return "unknown";
    }
  }

  private static String f2(double x) {
    return String.format(Locale.ROOT, "%.2f", x);
  }

  /** Parses comma-separated sizes, each in [2, 2^25]. */
  static int[] sizes(String csv) {
    String[] parts = csv.split(",");
    int[] out = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        out[i] = Integer.parseInt(parts[i].trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--ids wants comma-separated integers, got " + csv, e);
      }
      if (out[i] < 2 || out[i] > 1 << 25) {
        throw new IllegalArgumentException("--ids wants sizes in [2, 2^25], got " + out[i]);
      }
    }
    return out;
  }
}
