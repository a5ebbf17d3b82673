package dev.tandem.node.dp;

import dev.tandem.crypto.dp.GaussianNoise;
import dev.tandem.model.DpSpec;
import dev.tandem.model.JobSpec;
import dev.tandem.model.ModelArchitecture;
import dev.tandem.model.ModelType;
import dev.tandem.model.metrics.BinaryMetrics;
import dev.tandem.node.training.EncodedData;
import dev.tandem.node.training.TrainResult;
import java.security.SecureRandom;

/**
 * Local training with record-level differential privacy: DP-SGD (Abadi et al. 2016).
 *
 * <p>Each step draws a Poisson sample (every record independently with rate
 * {@code q = min(1, batchSize / n)}), computes each sampled record's gradient of the log loss,
 * clips it to L2 norm {@code maxGradNorm}, adds Gaussian noise of standard deviation
 * {@code noiseMultiplier * maxGradNorm} to the sum, divides by the expected batch size {@code q n},
 * and takes a step; L2 weight decay (data-independent) is added on top. A call runs
 * {@code round(localEpochs / q)} steps, which is its privacy cost ({@link #plan}).
 *
 * <p>The per-record clipping is exact and cheap: a record's whole gradient is its output residual
 * {@code p - y} times a vector fixed by the forward pass, so its norm is known in closed form
 * (LR: {@code |r| sqrt(|x|^2 + 1)}; MLP: {@code sqrt(|delta_1|^2 (|x|^2 + 1) + r^2 (|h|^2 + 1))}) and
 * clipping scales the residual. Sampling and noise come from a {@link SecureRandom}. Not
 * thread-safe.
 */
public final class DpSgdTrainer {
  private final SecureRandom random;

  public DpSgdTrainer(SecureRandom random) {
    this.random = random;
  }

  /**
   * The privacy cost of training this job on {@code n} records, known before training.
   *
   * @throws IllegalArgumentException if the job asks for no differential privacy or n < 1
   */
  public static DpSteps plan(JobSpec spec, int n) {
    DpSpec dp = spec.privacy().differentialPrivacy().orElseThrow(
        () -> new IllegalArgumentException("job " + spec.jobId() + " asks for no differential privacy"));
    if (n < 1) {
      throw new IllegalArgumentException("no training records");
    }
    double q = Math.min(1.0, spec.batchSize() / (double) n);
    long steps = Math.max(1, Math.round(spec.localEpochs() / q));
    return new DpSteps(q, dp.noiseMultiplier(), steps);
  }

  /** Trains from {@code global} with DP-SGD; the result carries the mean loss of the new parameters. */
  public TrainResult train(JobSpec spec, double[] global, EncodedData data) {
    DpSpec dp = spec.privacy().differentialPrivacy().orElseThrow(
        () -> new IllegalArgumentException("job " + spec.jobId() + " asks for no differential privacy"));
    int n = data.size();
    DpSteps plan = plan(spec, n);
    int d = data.dimension();
    ModelArchitecture arch = spec.architecture();
    if (global.length != arch.parameterCount()) {
      throw new IllegalArgumentException("expected " + arch.parameterCount() + " parameters, got " + global.length);
    }
    Model model = spec.model().type() == ModelType.MLP
        ? new Mlp(d, spec.model().hiddenUnits(), global.clone())
        : new Logistic(d, global.clone());
    GaussianNoise noise = new GaussianNoise(dp.noiseMultiplier(), dp.maxGradNorm(), random);
    double[][] x = data.x();
    double[] y = data.y();
    double[] sum = new double[global.length];
    double expectedBatch = plan.samplingRate() * n;
    for (long step = 0; step < plan.steps(); step++) {
      java.util.Arrays.fill(sum, 0);
      for (int i = 0; i < n; i++) {
        if (plan.samplingRate() >= 1 || random.nextDouble() < plan.samplingRate()) {
          model.addClippedGradient(x[i], y[i], dp.maxGradNorm(), sum);
        }
      }
      noise.addTo(sum);
      double[] p = model.parameters;
      for (int k = 0; k < p.length; k++) {
        p[k] -= spec.learningRate() * (sum[k] / expectedBatch + spec.model().l2() * model.decay(k) * p[k]);
      }
    }
    double[] trained = model.parameters;
    for (double v : trained) {
      if (!Double.isFinite(v)) {
        throw new IllegalStateException("training diverged to non-finite parameters; lower the learning rate");
      }
    }
    double loss = 0;
    for (int i = 0; i < n; i++) {
      loss += BinaryMetrics.logLoss(arch.predict(trained, x[i]), y[i] == 1);
    }
    return new TrainResult(trained.clone(), n, loss / n);
  }

  /** A model's parameters with a clipped per-record gradient. */
  private abstract static class Model {
    final double[] parameters;

    Model(double[] parameters) {
      this.parameters = parameters;
    }

    abstract void addClippedGradient(double[] x, double y, double clip, double[] sum);

    /** 1 for a weight under L2, 0 for a bias. */
    abstract double decay(int k);
  }

  /** Layout {@code [w_0..w_{d-1}, b]}. */
  private static final class Logistic extends Model {
    private final int d;

    Logistic(int d, double[] parameters) {
      super(parameters);
      this.d = d;
    }

    @Override
    void addClippedGradient(double[] x, double y, double clip, double[] sum) {
      double z = parameters[d];
      double norm2 = 1;
      for (int i = 0; i < d; i++) {
        z += parameters[i] * x[i];
        norm2 += x[i] * x[i];
      }
      double r = ModelArchitecture.sigmoid(z) - y;
      double norm = Math.abs(r) * Math.sqrt(norm2);
      double scaled = norm > clip ? r * clip / norm : r;
      for (int i = 0; i < d; i++) {
        sum[i] += scaled * x[i];
      }
      sum[d] += scaled;
    }

    @Override
    double decay(int k) {
      return k < d ? 1 : 0;
    }
  }

  /** Layout {@code [W1 (d x h, row-major), b1 (h), w2 (h), b2]}, tanh hidden layer. */
  private static final class Mlp extends Model {
    private final int d;
    private final int h;
    private final double[] hidden;
    private final double[] delta;

    Mlp(int d, int h, double[] parameters) {
      super(parameters);
      this.d = d;
      this.h = h;
      this.hidden = new double[h];
      this.delta = new double[h];
    }

    @Override
    void addClippedGradient(double[] x, double y, double clip, double[] sum) {
      int b1 = d * h;
      int w2 = b1 + h;
      int b2 = w2 + h;
      double z = parameters[b2];
      double hiddenNorm2 = 1;
      for (int j = 0; j < h; j++) {
        double a = parameters[b1 + j];
        for (int i = 0; i < d; i++) {
          a += x[i] * parameters[i * h + j];
        }
        hidden[j] = Math.tanh(a);
        z += hidden[j] * parameters[w2 + j];
        hiddenNorm2 += hidden[j] * hidden[j];
      }
      double r = ModelArchitecture.sigmoid(z) - y;
      double xNorm2 = 1;
      for (int i = 0; i < d; i++) {
        xNorm2 += x[i] * x[i];
      }
      double deltaNorm2 = 0;
      for (int j = 0; j < h; j++) {
        delta[j] = r * parameters[w2 + j] * (1 - hidden[j] * hidden[j]);
        deltaNorm2 += delta[j] * delta[j];
      }
      double norm = Math.sqrt(deltaNorm2 * xNorm2 + r * r * hiddenNorm2);
      double c = norm > clip ? clip / norm : 1;
      for (int i = 0; i < d; i++) {
        double xi = c * x[i];
        int row = i * h;
        for (int j = 0; j < h; j++) {
          sum[row + j] += xi * delta[j];
        }
      }
      for (int j = 0; j < h; j++) {
        sum[b1 + j] += c * delta[j];
        sum[w2 + j] += c * r * hidden[j];
      }
      sum[b2] += c * r;
    }

    @Override
    double decay(int k) {
      int b1 = d * h;
      return k < b1 || (k >= b1 + h && k < b1 + 2 * h) ? 1 : 0;
    }
  }
}
