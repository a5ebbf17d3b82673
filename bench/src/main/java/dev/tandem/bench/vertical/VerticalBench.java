package dev.tandem.bench.vertical;

import dev.tandem.crypto.paillier.PaillierParameters;
import dev.tandem.crypto.paillier.PaillierPrivateKey;
import dev.tandem.vertical.sshe.SsheConfig;
import dev.tandem.vertical.sshe.SsheLocalRun;
import dev.tandem.vertical.sshe.SshePlaintext;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Seconds per epoch of secret-shared vertical logistic regression ({@code vertical.sshe}) on FATE's
 * default-credit split (30,000 rows, guest 13 + intercept and host 10 columns) and on FATE's breast
 * split (569 rows), all parties in this JVM ({@link SsheLocalRun}), with every piece of work of an
 * epoch counted inside it (nothing is precomputed: the online epoch is the whole epoch), and the
 * job's setup (keys, features encrypted once) and evaluation as rows of their own; beside, in the same run: the same computation in plaintext
 * ({@link SshePlaintext}), and the modular multiplications the naive protocol would need (textbook
 * Paillier: a full-length r^n per encryption, one modPow per matrix-vector term, one full-length
 * decryption per gradient value, no packing) times the measured cost of one multiplication mod n^2.
 *
 * <p>Usage: {@code VerticalBench [--bits BITS_2048] [--epochs 1] [--batch 512] [--rows N] [--out FILE]}
 * ({@code --rows} keeps the first N rows of each dataset: a short run).
 */
public final class VerticalBench {
  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  /** Feature bits of the naive protocol's estimate. */
  private static final int NAIVE_FEATURE_BITS = 12;

  private record Data(double[][] guest, boolean[] labels, double[][] host) {}

  private record Row(String data, int rows, int batch, String mode, double epochSeconds, double cpuSeconds,
                     double precomputeSeconds) {}

  private VerticalBench() {}

  public static void main(String[] args) throws IOException {
    String bits = "BITS_2048";
    int epochs = 1;
    int batch = 512;
    int limit = Integer.MAX_VALUE;
    Path out = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--bits" -> bits = args[++i];
        case "--epochs" -> epochs = Integer.parseInt(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        case "--batch" -> batch = Integer.parseInt(args[++i]);
        case "--rows" -> limit = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]
            + " (usage: --bits BITS_2048 --epochs 1 --batch 512 [--rows N] --out FILE)");
      }
    }
    PaillierParameters parameters = PaillierParameters.byName(bits);
    SecureRandom random = new SecureRandom();
    Path data = dataDir();
    Data credit = first(fate(data, "default_credit_hetero"), limit);
    Data breast = first(fate(data, "breast_hetero"), limit);
    List<Row> rows = new ArrayList<>();
    rows.addAll(measure("default_credit_hetero", credit, batch, epochs, parameters, random));
    rows.addAll(measure("breast_hetero", breast, Math.min(batch, breast.guest().length), Math.max(3, epochs),
        parameters, random));
    double modmul = modmulSeconds(PaillierPrivateKey.generate(parameters, random).publicKey().modulus(), random);
    long naive = naiveModmuls(parameters.modulusBits(), credit.guest().length, credit.guest()[0].length + 1,
        credit.host()[0].length, batch, NAIVE_FEATURE_BITS);
    System.out.printf(Locale.ROOT, "%-22s %6s %6s %-22s %10s %10s %12s%n", "data", "rows", "batch", "mode",
        "epoch s", "cpu s", "precompute s");
    for (Row r : rows) {
      System.out.printf(Locale.ROOT, "%-22s %6d %6d %-22s %10.3f %10.3f %12.3f%n", r.data(), r.rows(), r.batch(),
          r.mode(), r.epochSeconds(), r.cpuSeconds(), r.precomputeSeconds());
    }
    double naiveSeconds = naive * modmul;
    System.out.printf(Locale.ROOT, "naive protocol on default credit: %,d multiplications mod n^2 x %.2f us"
        + " = %.0f s per epoch on one core (%.0f s on %d cores)%n", naive, modmul * 1e6, naiveSeconds,
        naiveSeconds / Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().availableProcessors());
    String json = json(bits, rows, naive, modmul);
    if (out != null) {
      Files.writeString(out, json);
      System.out.println("wrote " + out);
    } else {
      System.out.println(json);
    }
  }

  private static List<Row> measure(String name, Data d, int batch, int epochs, PaillierParameters parameters,
      SecureRandom random) {
    SsheConfig config = new SsheConfig(batch, 0.3, 0.001, 7);
    List<double[][]> hosts = List.<double[][]>of(d.host());
    List<Row> rows = new ArrayList<>();
    long cpu = OS.getProcessCpuTime();
    long start = System.nanoTime();
    SshePlaintext.train(config, epochs, d.guest(), d.labels(), hosts);
    double plainSeconds = (System.nanoTime() - start) / 1e9 / epochs;
    rows.add(new Row(name, d.guest().length, batch, "plaintext", plainSeconds,
        (OS.getProcessCpuTime() - cpu) / 1e9 / epochs, 0));
    SsheLocalRun.Result run = SsheLocalRun.run(config, epochs, parameters, d.guest(), d.labels(), hosts, random);
    double seconds = run.epochSeconds().stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    double cpuPerEpoch = run.epochCpuSeconds().stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    // nothing is precomputed for an epoch: every encryption, its randomness, every decryption and the
    // loss happen inside it, so the online epoch is the whole epoch
    rows.add(new Row(name, d.guest().length, batch, "all work counted (online = all)", seconds, cpuPerEpoch, 0));
    rows.add(new Row(name, d.guest().length, batch, "setup, once per job", run.setupSeconds(), run.setupCpuSeconds(), 0));
    rows.add(new Row(name, d.guest().length, batch, "evaluation, once per job", run.evaluationSeconds(), 0, 0));
    return rows;
  }

  /** Seconds of one multiplication mod n^2 (multiply then reduce), on one core. */
  private static double modmulSeconds(BigInteger n, SecureRandom random) {
    BigInteger n2 = n.multiply(n);
    BigInteger a = new BigInteger(n2.bitLength() - 1, random);
    BigInteger b = new BigInteger(n2.bitLength() - 1, random);
    int count = 20_000;
    double best = Double.MAX_VALUE;
    for (int round = 0; round < 5; round++) {
      long start = System.nanoTime();
      for (int i = 0; i < count; i++) {
        a = a.multiply(b).mod(n2);
      }
      best = Math.min(best, (System.nanoTime() - start) / 1e9 / count);
    }
    if (a.signum() == 0) {
      System.out.println("(zero product)");
    }
    return best;
  }

  /**
   * Multiplications mod n^2 of one epoch of the naive protocol: every encryption a full-length r^n
   * (1.5 k multiplications by square-and-multiply for a k-bit n), every term of X^T [[d]] one modPow
   * with a (featureBits + 4)-bit scalar plus one multiplication to accumulate, the loss terms likewise
   * with 20-bit scalars, one mask encryption and one full-length decryption (c^lambda) per gradient
   * value and batch.
   */
  static long naiveModmuls(int modulusBits, int rows, int guestColumns, int hostColumns, int batch,
      int featureBits) {
    long exp = modulusBits * 3L / 2;
    long encryptions = 2L * rows;
    long termCost = (featureBits + 4) * 3L / 2 + 1;
    long terms = (long) rows * (guestColumns + hostColumns);
    long lossTerms = 2L * rows * (20 * 3 / 2 + 1);
    long batches = Math.max(1, rows / batch); // the remainder joins the last batch
    long values = batches * (guestColumns + hostColumns);
    return encryptions * exp + terms * termCost + lossTerms + values * 2 * exp;
  }

  private static String json(String bits, List<Row> rows, long naive, double modmul) {
    StringBuilder sb = new StringBuilder("{\"benchmark\":\"vertical\",\"machine\":{\"cores\":")
        .append(Runtime.getRuntime().availableProcessors()).append(",\"java\":\"")
        .append(System.getProperty("java.version")).append("\"},\"key\":\"").append(bits).append("\",\"results\":[");
    Map<String, Double> plain = new HashMap<>();
    for (Row r : rows) {
      if (r.mode().equals("plaintext")) {
        plain.put(r.data(), r.epochSeconds());
      }
    }
    for (int i = 0; i < rows.size(); i++) {
      Row r = rows.get(i);
      sb.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT,
          "{\"data\":\"%s\",\"rows\":%d,\"batch\":%d,\"mode\":\"%s\",\"epochSeconds\":%.4f,\"cpuSeconds\":%.4f,"
              + "\"precomputeSeconds\":%.4f,\"ratioToPlaintext\":%.1f}",
          r.data(), r.rows(), r.batch(), r.mode(), r.epochSeconds(), r.cpuSeconds(), r.precomputeSeconds(),
          r.epochSeconds() / plain.get(r.data())));
    }
    double naiveSeconds = naive * modmul;
    sb.append(String.format(Locale.ROOT, "],\"naive\":{\"data\":\"default_credit_hetero\",\"modmuls\":%d,"
        + "\"modmulMicros\":%.3f,\"oneCoreSeconds\":%.1f,\"allCoresSeconds\":%.1f}}", naive, modmul * 1e6,
        naiveSeconds, naiveSeconds / Runtime.getRuntime().availableProcessors()));
    return sb.toString();
  }

  private static Path dataDir() {
    Path dir = Path.of(System.getProperty("tandem.root", System.getProperty("user.dir"))).toAbsolutePath();
    for (Path p = dir; p != null; p = p.getParent()) {
      Path candidate = p.resolveSibling("shared").resolve("data");
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("cannot find ../shared/data above " + dir);
  }

  /** The first {@code limit} rows (a short run for tests). */
  private static Data first(Data d, int limit) {
    int n = Math.min(limit, d.guest().length);
    return new Data(java.util.Arrays.copyOf(d.guest(), n), java.util.Arrays.copyOf(d.labels(), n),
        java.util.Arrays.copyOf(d.host(), n));
  }

  /** FATE's split files, already standardized by FATE, joined on id. */
  private static Data fate(Path dir, String name) throws IOException {
    List<String> guest = Files.readAllLines(dir.resolve("fate/" + name + "_guest.csv"));
    List<String> host = Files.readAllLines(dir.resolve("fate/" + name + "_host.csv"));
    Map<String, double[]> hostRows = new HashMap<>();
    for (String line : host.subList(1, host.size())) {
      String[] cells = line.split(",");
      double[] x = new double[cells.length - 1];
      for (int j = 1; j < cells.length; j++) {
        x[j - 1] = Double.parseDouble(cells[j]);
      }
      hostRows.put(cells[0], x);
    }
    int n = guest.size() - 1;
    double[][] g = new double[n][];
    double[][] h = new double[n][];
    boolean[] y = new boolean[n];
    for (int i = 0; i < n; i++) {
      String[] cells = guest.get(i + 1).split(",");
      y[i] = Double.parseDouble(cells[1]) > 0.5;
      g[i] = new double[cells.length - 2];
      for (int j = 2; j < cells.length; j++) {
        g[i][j - 2] = Double.parseDouble(cells[j]);
      }
      h[i] = hostRows.get(cells[0]);
    }
    return new Data(g, y, h);
  }
}
