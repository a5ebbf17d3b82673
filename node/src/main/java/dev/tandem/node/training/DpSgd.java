package dev.tandem.node.training;

import dev.tandem.crypto.dp.GaussianNoise;
import dev.tandem.crypto.dp.PerExampleClipping;
import dev.tandem.model.DpSpec;
import dev.tandem.model.JobSpec;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * DP-SGD (Abadi et al. 2016) over a site's rows: Poisson-sampled batches, per-example gradients clipped
 * to {@code maxGradNorm}, summed, Gaussian noise of standard deviation {@code noiseMultiplier *
 * maxGradNorm} on every coordinate, divided by the expected batch size {@code q * n}; the L2 term's
 * gradient, which does not depend on the data, is added after the noise. Sampling and noise come from
 * one {@link SecureRandom}.
 */
final class DpSgd {

  /** Per-example gradients held at once are kept under this many doubles (8 MiB); larger batches go in chunks. */
  static final int CHUNK_DOUBLES = 1 << 20;

  private DpSgd() {
  }

  /** The trained parameters; {@code plan} is {@link LocalTrainer#plannedSteps} of this job and data. */
  static double[] train(JobSpec spec, DpSpec dp, DpSteps plan, double[] globalParameters, EncodedData data,
              SecureRandom random) {
    int chunk = chunkRows(data.size(), spec.batchSize(), spec.architecture().parameterCount());
    return train(spec, dp, plan, globalParameters, data, random, chunk);
  }

  /** As above, with per-example gradients computed {@code chunk} rows at a time. */
  static double[] train(JobSpec spec, DpSpec dp, DpSteps plan, double[] globalParameters, EncodedData data,
              SecureRandom random, int chunk) {
    return run(spec, plan, globalParameters, data, new GaussianNoise(dp.noiseMultiplier(), dp.maxGradNorm(), random),
        plan.samplingRate() * data.size(), random, chunk);
  }

  /**
   * One step of distributed DP-SGD (a round of {@link DpSpec#distributed()}): this site's Poisson sample at
   * rate {@code plan.samplingRate()}, its clipped gradient sum plus its share of the noise, of standard
   * deviation {@code noiseMultiplier * maxGradNorm / sqrt(noiseShares)}, divided by the job's batch size
   * (not by this site's expected batch, which would reveal its row count when it has fewer rows than a
   * batch), then the L2 term. Weighted by the batch size, the sites' results average to one DP-SGD step
   * over the union of their rows whose noise any {@code noiseShares} sites' shares carry in full.
   */
  static double[] distributedStep(JobSpec spec, DpSpec dp, DpSteps plan, double[] globalParameters,
      EncodedData data, SecureRandom random, int noiseShares) {
    if (plan.steps() != 1) {
      throw new IllegalArgumentException("a distributed DP round is one step, planned " + plan.steps());
    }
    int chunk = chunkRows(data.size(), spec.batchSize(), spec.architecture().parameterCount());
    return run(spec, plan, globalParameters, data,
        new GaussianNoise(dp.noiseMultiplier(), dp.maxGradNorm(), random).share(noiseShares), spec.batchSize(),
        random, chunk);
  }

  private static double[] run(JobSpec spec, DpSteps plan, double[] globalParameters, EncodedData data,
      GaussianNoise noise, double divisor, SecureRandom random, int chunk) {
    int n = data.size();
    int p = spec.architecture().parameterCount();
    double q = plan.samplingRate();
    double expectedBatch = divisor;
    PoissonSampler sampler = new PoissonSampler(n, q, random);
    int[] batch = new int[n];
    double[][] grads = new double[chunk][p];
    double[] sum = new double[p];
    try (DesignMatrix staging = DesignMatrix.staging(data, chunk);
       Network net = Network.create(spec.model(), data.dimension(), globalParameters, chunk)) {
      for (long step = 0; step < plan.steps(); step++) {
        Arrays.fill(sum, 0);
        int size = sampler.sample(batch);
        for (int from = 0; from < size; from += chunk) {
          int count = Math.min(chunk, size - from);
          staging.gather(batch, from, count);
          net.perExampleGradients(staging, 0, count, grads);
          double[][] rows = count == chunk ? grads : Arrays.copyOf(grads, count);
          clip(rows, noise.maxGradNorm());
          for (double[] g : rows) {
            for (int k = 0; k < p; k++) {
              sum[k] += g[k];
            }
          }
        }
        noise.addTo(sum);
        net.privateStep(sum, expectedBatch, spec.learningRate());
      }
      return net.parameters();
    }
  }

  /** Rows per chunk: twice the batch size (a Poisson batch rarely exceeds it), at most n, within {@link #CHUNK_DOUBLES}. */
  static int chunkRows(int n, int batchSize, int parameterCount) {
    long rows = Math.min((long) n, 2L * batchSize);
    rows = Math.min(rows, Math.max(1, CHUNK_DOUBLES / parameterCount));
    return (int) Math.max(1, rows);
  }

  private static void clip(double[][] rows, double maxNorm) {
    try {
      PerExampleClipping.clipRowsInPlace(rows, maxNorm);
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new IllegalStateException("training diverged to non-finite gradients; lower the learning rate", e);
    }
  }
}
