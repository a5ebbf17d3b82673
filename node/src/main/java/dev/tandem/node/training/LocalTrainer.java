package dev.tandem.node.training;

import dev.tandem.model.DpSpec;
import dev.tandem.model.JobSpec;
import dev.tandem.model.ModelArchitecture;
import dev.tandem.model.ModelSpec;
import dev.tandem.model.metrics.BinaryMetrics;
import java.security.SecureRandom;
import java.util.Objects;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Local training of one FedAvg round from the global parameters on the site's rows: mini-batch SGD, or
 * DP-SGD when the job asks for differential privacy.
 *
 * <p>Both minimize {@code mean log loss + l2/2 * ||weights||^2} (biases unpenalized) with step
 * {@code spec.learningRate()}, in double precision in nd4j's native memory.
 *
 * <p>Without DP: {@code spec.localEpochs()} passes with batches of {@code spec.batchSize()} rows (the
 * last batch of a pass may be smaller); rows are reshuffled before every pass by a generator seeded with
 * {@code roundSeed}, so equal inputs give equal results.
 *
 * <p>With DP ({@code spec.privacy().dp()} not null), DP-SGD of Abadi et al. 2016 for
 * {@link #plannedSteps} steps: each step takes each row independently with probability
 * {@code q = min(1, batchSize / n)}, clips each row's log-loss gradient to L2 norm
 * {@code maxGradNorm}, sums them, adds Gaussian noise of standard deviation
 * {@code noiseMultiplier * maxGradNorm} to every coordinate, divides by {@code q * n} and adds the L2
 * term's gradient. Sampling and noise come from a fresh {@link SecureRandom} per call; {@code roundSeed}
 * is not used, and results are not reproducible. The result carries the {@link DpSteps} spent.
 *
 * <p>With distributed DP ({@link DpSpec#distributed()}), one such step per round whose noise is this
 * site's share (see {@code DpSgd.distributedStep}); {@code localEpochs} is not used.
 *
 * <p>Stateless and thread-safe.
 */
public final class LocalTrainer {

  /** Rows scored per block when computing the final loss. */
  static final int SCORING_BLOCK = 4096;

  private final Supplier<SecureRandom> randomness;

  /** A trainer whose DP-SGD draws from a new default {@link SecureRandom} per call. */
  public LocalTrainer() {
    this(SecureRandom::new);
  }

  /** A trainer whose DP-SGD draws from {@code randomness} (tests supply seeded generators). */
  LocalTrainer(Supplier<SecureRandom> randomness) {
    this.randomness = Objects.requireNonNull(randomness, "randomness");
  }

  /**
   * What one {@link #train} call with {@code spec} on {@code n} rows spends, known before training:
   * sampling rate {@code q = min(1, batchSize / n)}, {@code steps = round(localEpochs / q)} (at least
   * {@code localEpochs}), the job's noise multiplier and delta.
   *
   * @throws IllegalArgumentException when the job asks for no differential privacy, or n &lt; 1
   */
  public static DpSteps plannedSteps(JobSpec spec, int n) {
    Objects.requireNonNull(spec, "spec");
    DpSpec dp = spec.privacy().dp();
    if (dp == null) {
      throw new IllegalArgumentException("job " + spec.jobId() + " asks for no differential privacy");
    }
    if (n < 1) {
      throw new IllegalArgumentException("n must be >= 1, got " + n);
    }
    double q = Math.min(1.0, (double) spec.batchSize() / n);
    long steps = dp.distributed() ? 1 : Math.max(spec.localEpochs(), Math.round(spec.localEpochs() / q));
    return new DpSteps(q, dp.noiseMultiplier(), steps, dp.delta());
  }

  /**
   * Trains from {@code globalParameters} on {@code data}, with DP-SGD when the job asks for differential
   * privacy ({@code roundSeed} is then unused and the result carries {@link #plannedSteps}).
   *
   * @throws IllegalArgumentException when data is empty, its width is not the spec's input dimension,
   *     or the parameters do not fit the spec's architecture or are not finite
   * @throws IllegalStateException when training diverges to non-finite parameters (lower the learning rate)
   */
  public TrainResult train(JobSpec spec, double[] globalParameters, EncodedData data, long roundSeed) {
    return train(spec, globalParameters, data, roundSeed, 1);
  }

  /**
   * As {@link #train(JobSpec, double[], EncodedData, long)}; a job of distributed DP
   * ({@link DpSpec#distributed()}) takes one DP-SGD step with this site's share of the noise, one of
   * {@code noiseShares}, and its result carries the job's batch size as its weight (see
   * {@code DpSgd.distributedStep}) and no loss.
   *
   * @throws IllegalArgumentException as the four-argument form, or when noiseShares &lt; 1
   */
  public TrainResult train(JobSpec spec, double[] globalParameters, EncodedData data, long roundSeed,
      int noiseShares) {
    Objects.requireNonNull(spec, "spec");
    if (noiseShares < 1) {
      throw new IllegalArgumentException("noiseShares must be >= 1, got " + noiseShares);
    }
    Objects.requireNonNull(data, "data");
    checkInputs(spec, globalParameters, data);
    if (data.size() == 0) {
      throw new IllegalArgumentException("no training rows");
    }
    int n = data.size();
    DpSpec dp = spec.privacy().dp();
    if (dp != null && dp.distributed()) {
      DpSteps plan = plannedSteps(spec, n);
      SecureRandom random = Objects.requireNonNull(randomness.get(), "randomness supplied null");
      double[] stepped = DpSgd.distributedStep(spec, dp, plan, globalParameters, data, random, noiseShares);
      requireFinite(stepped);
      return new TrainResult(stepped, spec.batchSize(), 0, plan);
    }
    if (dp != null) {
      return trainPrivately(spec, dp, globalParameters, data);
    }
    int batch = Math.min(spec.batchSize(), n);
    int[] order = identity(n);
    Random shuffler = new Random(roundSeed);
    double[] trained;
    try (DesignMatrix matrix = new DesignMatrix(data);
       Network net = Network.create(spec.model(), data.dimension(), globalParameters, batch)) {
      for (int epoch = 0; epoch < spec.localEpochs(); epoch++) {
        shuffle(order, shuffler);
        matrix.load(order);
        for (int start = 0; start < n; start += batch) {
          net.step(matrix, start, Math.min(batch, n - start), spec.learningRate());
        }
      }
      trained = net.parameters();
      requireFinite(trained);
      double[] p = predict(spec.model(), trained, matrix);
      double[] y = data.yRef();
      double loss = 0;
      for (int i = 0; i < n; i++) {
        loss += BinaryMetrics.logLoss(p[i], y[order[i]] == 1);
      }
      return new TrainResult(trained, n, loss / n);
    }
  }

  private TrainResult trainPrivately(JobSpec spec, DpSpec dp, double[] globalParameters, EncodedData data) {
    DpSteps plan = plannedSteps(spec, data.size());
    SecureRandom random = Objects.requireNonNull(randomness.get(), "randomness supplied null");
    double[] trained = DpSgd.train(spec, dp, plan, globalParameters, data, random);
    requireFinite(trained);
    double[] p;
    try (DesignMatrix matrix = new DesignMatrix(data)) {
      p = predict(spec.model(), trained, matrix);
    }
    double[] y = data.yRef();
    double loss = 0;
    for (int i = 0; i < p.length; i++) {
      loss += BinaryMetrics.logLoss(p[i], y[i] == 1);
    }
    return new TrainResult(trained, p.length, loss / p.length, plan);
  }

  /** The probabilities of the rows of {@code matrix} under {@code params}, in matrix order. */
  static double[] predict(ModelSpec model, double[] params, DesignMatrix matrix) {
    int capacity = Math.min(matrix.rows(), SCORING_BLOCK);
    try (Network net = Network.create(model, matrix.dimension(), params, capacity)) {
      return net.predictAll(matrix);
    }
  }

  static void checkInputs(JobSpec spec, double[] parameters, EncodedData data) {
    Objects.requireNonNull(parameters, "parameters");
    int d = spec.inputDimension();
    if (data.size() > 0 && data.dimension() != d) {
      throw new IllegalArgumentException("data rows have " + data.dimension() + " values but the job encodes " + d);
    }
    ModelArchitecture arch = ModelArchitecture.of(spec.model(), d);
    if (parameters.length != arch.parameterCount()) {
      throw new IllegalArgumentException("expected " + arch.parameterCount() + " parameters, got " + parameters.length);
    }
    for (int i = 0; i < parameters.length; i++) {
      if (!Double.isFinite(parameters[i])) {
        throw new IllegalArgumentException("parameter " + i + " is not finite");
      }
    }
  }

  private static void requireFinite(double[] params) {
    for (double v : params) {
      if (!Double.isFinite(v)) {
        throw new IllegalStateException("training diverged to non-finite parameters; lower the learning rate");
      }
    }
  }

  private static int[] identity(int n) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    return order;
  }

  private static void shuffle(int[] order, Random random) {
    for (int i = order.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
  }
}
