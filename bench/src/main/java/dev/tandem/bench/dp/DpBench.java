package dev.tandem.bench.dp;

import dev.tandem.bench.crypto.SecAggSites;
import dev.tandem.crypto.dp.GaussianNoise;
import dev.tandem.crypto.secagg.SecAggConfig;
import dev.tandem.model.DpSpec;
import dev.tandem.model.FeatureEncoder;
import dev.tandem.model.FeatureSpec;
import dev.tandem.model.JobSpec;
import dev.tandem.model.LabelSpec;
import dev.tandem.model.ModelSpec;
import dev.tandem.model.Normalization;
import dev.tandem.model.PrivacySpec;
import dev.tandem.model.RowView;
import dev.tandem.model.aggregate.MomentsVector;
import dev.tandem.model.metrics.BinaryMetrics;
import dev.tandem.node.data.CsvTable;
import dev.tandem.node.data.DataSourceConfig;
import dev.tandem.node.data.LocalData;
import dev.tandem.node.privacy.NoiseCalibration;
import dev.tandem.node.secagg.SecureRounds;
import dev.tandem.node.training.Datasets;
import dev.tandem.node.training.EncodedData;
import dev.tandem.node.training.Evaluator;
import dev.tandem.node.training.FeatureMoments;
import dev.tandem.node.training.LocalTrainer;
import dev.tandem.node.training.TrainResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Held-out AUC of federated logistic regression under record-level DP at epsilon 1 and 3 (delta 1e-5):
 * the IBM telco churn data over 3 branches (split by a hash of the customer id) and the UCI heart data
 * over its 4 hospitals, a fifth of each site's rows held out, AUC on the union of the held-out rows.
 *
 * <p>The sites' work is the node's own code ({@link LocalTrainer}, {@link FeatureMoments}), and every
 * sum is a real secure aggregation ({@link SecAggSites}: masks, Shamir shares, the fixed-point ring,
 * threshold t = n/2 + 1); the coordinator's FedAvg is done here. Each site's epsilon covers the whole job:
 * its training, its statistics (noisy moments of the features clipped to their public ranges, from
 * which the normalization comes) and one evaluation, each release at noise multiplier
 * {@link DpSpec#RELEASE_NOISE_MULTIPLIER}. The noise multiplier is calibrated for the site that spends
 * the most (the smallest). Mechanisms:
 * <ul>
 *   <li>{@code per-site DP-SGD}: today's default, each site runs DP-SGD with the whole noise at each of its
 *       local steps ({@code localEpochs / q} steps a round);
 *   <li>{@code one step, per-site noise}: one DP-SGD step per round over the union, each site adding the
 *       whole noise, so the sum carries sqrt(n) times it;
 *   <li>{@code one step, distributed noise}: the same step, each site adding one of t shares
 *       ({@link DpSpec#distributed()}), so the sum carries sqrt(n / t) times it and any t honest sites
 *       carry it in full.
 * </ul>
 *
 * <p>Settings: logistic regression (L2 1e-4), clipping norm 1; churn batch 256, one-step learning rate 1.0;
 * heart batch 32, one-step learning rate 0.5; per-site DP-SGD rounds of one local epoch at learning rate
 * 0.5 (churn) and 0.2 (heart). Per-site DP-SGD and the no-DP baseline run {@code --local-rounds} rounds.
 *
 * <p>Usage: {@code DpBench [--rounds 40] [--local-rounds 8] [--repeats 10] [--data churn,heart] [--out FILE]}
 * ({@code --rounds}: rounds of the one-step mechanisms; {@code --local-rounds}: rounds of one local epoch of
 * per-site DP-SGD; the AUC is the mean over {@code --repeats} runs).
 */
public final class DpBench {
  static final double DELTA = 1e-5;
  static final double CLIP_NORM = 1.0;
  static final double[] EPSILONS = {1, 3};
  static final String[] MECHANISMS = {"no DP", "per-site DP-SGD", "one step, per-site noise",
      "one step, distributed noise"};

  private record Case(String name, List<String> sites, Map<String, LocalData> data, List<FeatureSpec> features,
      LabelSpec label, Map<String, DpSpec.Range> ranges, int batch, double stepRate, double localRate) {}

  record Row(String data, int sites, int threshold, double epsilon, String mechanism, double noiseMultiplier,
      double sumNoiseOverSigma, double auc) {}

  private DpBench() {}

  public static void main(String[] args) throws IOException {
    int rounds = 40;
    int localRounds = 8;
    int repeats = 10;
    List<String> which = List.of("churn", "heart");
    Path out = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--local-rounds" -> localRounds = Integer.parseInt(args[++i]);
        case "--repeats" -> repeats = Integer.parseInt(args[++i]);
        case "--data" -> which = List.of(args[++i].split(","));
        case "--out" -> out = Path.of(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]
            + " (usage: --rounds 40 --local-rounds 8 --repeats 10 --data churn,heart --out FILE)");
      }
    }
    Path work = Files.createTempDirectory("tandem-dp-bench");
    List<Row> rows = new ArrayList<>();
    for (String name : which) {
      Case c = switch (name) {
        case "churn" -> churn(work);
        case "heart" -> heart(work);
        default -> throw new IllegalArgumentException("unknown data " + name + " (churn, heart)");
      };
      rows.addAll(measure(c, rounds, localRounds, repeats));
    }
    StringBuilder table = new StringBuilder(String.format(Locale.ROOT,
        "| data (sites, t) | epsilon | mechanism | noise multiplier | noise on the sum / sigma | held-out AUC |%n"
        + "|---|---|---|---|---|---|%n"));
    for (Row r : rows) {
      table.append(String.format(Locale.ROOT, "| %s (%d, t = %d) | %s | %s | %s | %s | %.4f |%n", r.data(), r.sites(),
          r.threshold(), Double.isInfinite(r.epsilon()) ? "-" : String.format(Locale.ROOT, "%.0f", r.epsilon()),
          r.mechanism(), r.noiseMultiplier() == 0 ? "-" : String.format(Locale.ROOT, "%.3f", r.noiseMultiplier()),
          r.sumNoiseOverSigma() == 0 ? "-" : String.format(Locale.ROOT, "%.2f", r.sumNoiseOverSigma()), r.auc()));
    }
    System.out.print(table);
    if (out != null) {
      StringBuilder json = new StringBuilder("{\"rounds\":" + rounds + ",\"localRounds\":" + localRounds
          + ",\"repeats\":" + repeats + ",\"rows\":[");
      for (int i = 0; i < rows.size(); i++) {
        Row r = rows.get(i);
        json.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT,
            "{\"data\":\"%s\",\"sites\":%d,\"threshold\":%d,\"epsilon\":%s,\"mechanism\":\"%s\","
                + "\"noiseMultiplier\":%.6f,\"sumNoiseOverSigma\":%.4f,\"auc\":%.6f}",
            r.data(), r.sites(), r.threshold(), Double.isInfinite(r.epsilon()) ? "null" : r.epsilon(), r.mechanism(),
            r.noiseMultiplier(), r.sumNoiseOverSigma(), r.auc()));
      }
      json.append("]}\n");
      Path parent = out.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(out, json.toString());
      Files.writeString(Path.of(out.toString().replaceAll("\\.json$", "") + ".md"), table.toString());
    }
  }

  private static List<Row> measure(Case c, int rounds, int localRounds, int repeats) {
    int n = c.sites().size();
    int t = SecAggSites.threshold(n);
    SecAggSites secagg = new SecAggSites(n);
    int[] sizes = c.sites().stream().mapToInt(s -> c.data().get(s).trainSize()).toArray();
    List<Row> out = new ArrayList<>();
    List<RowView> test = new ArrayList<>();
    c.sites().forEach(s -> test.addAll(c.data().get(s).test()));
    for (double eps : new double[] {Double.POSITIVE_INFINITY, EPSILONS[0], EPSILONS[1]}) {
      for (String mechanism : MECHANISMS) {
        boolean noDp = mechanism.equals("no DP");
        if (noDp != Double.isInfinite(eps)) {
          continue;
        }
        boolean oneStep = mechanism.startsWith("one step");
        boolean distributed = mechanism.endsWith("distributed noise");
        JobSpec base = job(c, oneStep ? rounds : localRounds, oneStep ? c.stepRate() : c.localRate(), t,
            PrivacySpec.secure());
        double z = 0;
        DpSpec dp = null;
        if (!noDp) {
          for (int size : sizes) {
            z = Math.max(z, NoiseCalibration.forJob(base, size, eps, DELTA, CLIP_NORM, oneStep).noiseMultiplier());
          }
          dp = new DpSpec(z, CLIP_NORM, DELTA, oneStep, c.ranges());
        }
        JobSpec spec = base.withPrivacy(new PrivacySpec(true, dp));
        int shares = distributed ? t : 1;
        double sum = 0;
        for (int r = 0; r < repeats; r++) {
          sum += run(c, spec, secagg, shares, test);
        }
        double noiseFactor = noDp || !oneStep ? 0 : Math.sqrt((double) n / shares);
        out.add(new Row(c.name(), n, t, eps, mechanism, z, noiseFactor, sum / repeats));
        System.err.printf(Locale.ROOT, "%s eps %s %s: z %.3f AUC %.4f%n", c.name(), eps, mechanism, z, sum / repeats);
      }
    }
    return out;
  }

  /** One job: statistics, rounds, the held-out AUC of the last model. */
  private static double run(Case c, JobSpec spec, SecAggSites secagg, int shares, List<RowView> test) {
    int n = c.sites().size();
    SecureRandom random = new SecureRandom();
    Normalization normalization = normalization(c, spec, secagg, shares, random);
    FeatureEncoder encoder = new FeatureEncoder(spec.features(), normalization);
    List<EncodedData> train = new ArrayList<>();
    for (String s : c.sites()) {
      train.add(EncodedData.of(c.data().get(s).train(), encoder, spec.label()));
    }
    LocalTrainer trainer = new LocalTrainer();
    double[] global = spec.architecture().initialParameters(spec.seed());
    for (int round = 1; round <= spec.rounds(); round++) {
      double[][] inputs = new double[n][];
      for (int i = 0; i < n; i++) {
        TrainResult r = trainer.train(spec, global, train.get(i), spec.seed() * 1_000_003L + round, shares);
        // as the node's DP decorator sends it: weighted by the public batch size, no loss
        int weight = spec.privacy().dp() == null ? r.sampleCount() : spec.batchSize();
        inputs[i] = SecureRounds.input(r.parameters(), weight, spec.privacy().dp() == null ? r.meanLoss() : 0,
            1 << 30);
      }
      SecAggConfig config = secagg.config(spec.jobId() + "/r" + round, global.length + 2);
      double[] sum = secagg.round(config, inputs, java.util.Set.of(), java.util.Set.of());
      double weight = sum[global.length];
      for (int k = 0; k < global.length; k++) {
        global[k] = sum[k] / weight;
      }
    }
    EncodedData held = EncodedData.of(test, encoder, spec.label());
    double[] p = new Evaluator().predict(spec, global, held);
    double[] labels = held.y();
    boolean[] y = new boolean[p.length];
    for (int i = 0; i < p.length; i++) {
      y[i] = labels[i] == 1;
    }
    return BinaryMetrics.auc(p, y);
  }

  /** The statistics phase as the nodes and the coordinator run it: moments vectors, noise shares under DP, one secure sum. */
  private static Normalization normalization(Case c, JobSpec spec, SecAggSites secagg, int shares,
      SecureRandom random) {
    List<FeatureSpec> numeric = spec.numericFeatures();
    double[] scales = MomentsVector.scales(spec);
    DpSpec.Range[] ranges = new DpSpec.Range[numeric.size()];
    for (int i = 0; i < ranges.length; i++) {
      ranges[i] = MomentsVector.range(spec, numeric.get(i).name());
    }
    double[][] inputs = new double[c.sites().size()][];
    for (int i = 0; i < inputs.length; i++) {
      LocalData d = c.data().get(c.sites().get(i));
      FeatureMoments m = FeatureMoments.of(d.train(), numeric, ranges, scales);
      inputs[i] = MomentsVector.encode(d.trainSize(), m.counts(), m.sums(), m.sumSquares());
      if (spec.privacy().dp() != null) {
        new GaussianNoise(DpSpec.RELEASE_NOISE_MULTIPLIER, MomentsVector.sensitivity(numeric.size()), random)
            .share(shares).addTo(inputs[i]);
      }
    }
    // as the coordinator's statistics round (sums of squares of raw values need the ring's whole range)
    double[] sum = secagg.round(secagg.config(spec.jobId() + "/stats", inputs[0].length,
        MomentsVector.clip(inputs.length), MomentsVector.FRACTIONAL_BITS), inputs,
        java.util.Set.of(), java.util.Set.of());
    return MomentsVector.normalization(sum, spec);
  }

  private static JobSpec job(Case c, int rounds, double learningRate, int minSites, PrivacySpec privacy) {
    return new JobSpec("dp-bench", "churn", ModelSpec.logisticRegression(1e-4), c.features(), c.label(), c.sites(),
        rounds, 1, learningRate, c.batch(), minSites, 5, privacy);
  }

  private static Case churn(Path work) throws IOException {
    List<String> sites = List.of("branch-1", "branch-2", "branch-3");
    CsvTable table = CsvTable.read(Datasets.churnCsv());
    Map<String, List<String>> lines = new LinkedHashMap<>();
    List<String> all = Files.readAllLines(Datasets.churnCsv(), StandardCharsets.UTF_8);
    for (String s : sites) {
      lines.put(s, new ArrayList<>(List.of(all.get(0))));
    }
    for (int i = 0; i < table.size(); i++) {
      String id = table.value(i, Datasets.CHURN_ID);
      // the churn file has no quoted fields: line i + 1 is row i
      lines.get(sites.get(bucket(id, sites.size()))).add(all.get(i + 1));
    }
    Map<String, LocalData> data = new LinkedHashMap<>();
    for (String s : sites) {
      Path f = work.resolve(s + ".csv");
      Files.write(f, lines.get(s), StandardCharsets.UTF_8);
      data.put(s, LocalData.load(DataSourceConfig.of(f, Datasets.CHURN_ID).withTestFraction(0.2)));
    }
    Map<String, DpSpec.Range> ranges = Datasets.churnRanges();
    return new Case("IBM telco churn", sites, data, Datasets.churnFeatures(), Datasets.churnLabel(), ranges, 256,
        1.0, 0.5);
  }

  private static Case heart(Path work) {
    Map<String, Path> files = Datasets.splitByColumn(Datasets.heartCsv(), Datasets.HEART_SITE, work.resolve("heart"),
        "id");
    Map<String, LocalData> data = new LinkedHashMap<>();
    files.forEach((site, f) -> data.put(site, LocalData.load(DataSourceConfig.of(f, "id").withTestFraction(0.2))));
    Map<String, DpSpec.Range> ranges = Datasets.heartRanges();
    return new Case("UCI heart", List.copyOf(files.keySet()), data, Datasets.heartFeatures(), Datasets.heartLabel(),
        ranges, 32, 0.5, 0.2);
  }

  static int bucket(String key, int n) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(("branch:" + key).getBytes(StandardCharsets.UTF_8));
      return Math.floorMod(((h[0] & 0xff) << 8) | (h[1] & 0xff), n);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
