package dev.tandem.node.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.crypto.secagg.FixedPoint;
import dev.tandem.model.DpSpec;
import dev.tandem.model.FeatureSpec;
import dev.tandem.model.JobSpec;
import dev.tandem.model.LabelSpec;
import dev.tandem.model.ModelSpec;
import dev.tandem.model.PrivacySpec;
import dev.tandem.node.secagg.SecureRounds;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The noise that distributed DP releases is the noise the accountant assumes: the sum of t sites'
 * results, as the coordinator decodes it from the secure aggregation ring, carries Gaussian noise of
 * standard deviation {@code noiseMultiplier * maxGradNorm} (the sigma of the {@link DpSteps} the ledger
 * charges), and one site's share alone carries {@code 1 / sqrt(t)} of it.
 */
class DistributedNoiseTest {
  private static final int ROWS = 20;
  private static final int SITES = 3;
  private static final int DRAWS = 1500;
  private static final double LEARNING_RATE = 1;

  private static JobSpec job(double noiseMultiplier) {
    // batch >= rows: every row is in every step (q = 1), so only the noise varies between draws
    return new JobSpec("j", "churn", ModelSpec.logisticRegression(0.01),
        List.of(FeatureSpec.numeric("x1"), FeatureSpec.numeric("x2")), LabelSpec.positiveIf("y", "1"),
        List.of("a", "b", "c", "d"), 1, 1, LEARNING_RATE, ROWS, 3, 7,
        new PrivacySpec(true, new DpSpec(noiseMultiplier, 1.0, 1e-5, true, Map.of())));
  }

  private static EncodedData data(int site) {
    double[][] x = new double[ROWS][];
    double[] y = new double[ROWS];
    for (int i = 0; i < ROWS; i++) {
      x[i] = new double[] {Math.sin(i + site), Math.cos(3 * i - site)};
      y[i] = (i + site) % 3 == 0 ? 1 : 0;
    }
    return new EncodedData(x, y);
  }

  /** Site {@code site}'s secure aggregation input: {@code [B w', B, 0]}, as the node builds it. */
  private static double[] input(LocalTrainer trainer, JobSpec job, int site, double[] global, int shares) {
    TrainResult r = trainer.train(job, global, data(site), 0, shares);
    assertEquals(ROWS, r.sampleCount(), "the weight is the job's batch size, not the site's row count");
    return SecureRounds.input(r.parameters(), r.sampleCount(), r.meanLoss(), 1 << 30);
  }

  /** FedAvg of the inputs as the coordinator decodes it from the ring's sum. */
  private static double[] released(List<double[]> inputs) {
    FixedPoint fp = FixedPoint.forSum(SITES, 1 << 30, 16);
    long[] sum = new long[inputs.get(0).length];
    for (double[] in : inputs) {
      long[] e = fp.encode(in);
      for (int k = 0; k < sum.length; k++) {
        sum[k] += e[k];
      }
    }
    double[] s = fp.decode(sum);
    int d = s.length - 2;
    double[] p = new double[d];
    for (int k = 0; k < d; k++) {
      p[k] = s[k] / s[d];
    }
    return p;
  }

  @Test
  void distributedStep_sumOfThresholdShares_hasTheAccountantsSigma_oneShareAloneIsSmaller() {
    double z = 2.0;
    JobSpec job = job(z);
    int t = SITES;
    DpSteps charged = LocalTrainer.plannedSteps(job, ROWS);
    assertEquals(1, charged.steps(), "a distributed round is one step");
    assertEquals(1.0, charged.samplingRate());
    double sigma = charged.noiseMultiplier() * job.privacy().dp().maxGradNorm();
    SecureRandom random = DpSgdTest.seeded(11);
    LocalTrainer trainer = new LocalTrainer(() -> random);
    double[] global = {0.1, -0.2, 0.05};
    // the noiseless result: shares of a vanishing noise
    List<double[]> exactInputs = List.of(input(trainer, job, 0, global, 1 << 30), input(trainer, job, 1, global,
        1 << 30), input(trainer, job, 2, global, 1 << 30));
    double[] exact = released(exactInputs);
    double[] exactOne = exactInputs.get(0);
    double sumSq = 0;
    double oneSq = 0;
    long count = 0;
    for (int draw = 0; draw < DRAWS; draw++) {
      List<double[]> inputs = List.of(input(trainer, job, 0, global, t), input(trainer, job, 1, global, t),
          input(trainer, job, 2, global, t));
      double[] p = released(inputs);
      for (int k = 0; k < p.length; k++) {
        // P - P_exact = -lr * (sum of the sites' noise) / (t * B): back to the noise on the gradient sum
        double noise = -(p[k] - exact[k]) * t * ROWS / LEARNING_RATE;
        sumSq += noise * noise;
        double one = -(inputs.get(0)[k] - exactOne[k]) / LEARNING_RATE;
        oneSq += one * one;
        count++;
      }
    }
    double released = Math.sqrt(sumSq / count);
    double share = Math.sqrt(oneSq / count);
    System.out.printf(java.util.Locale.ROOT, "accountant sigma %.4f, released %.4f, one share %.4f (t = %d)%n",
        sigma, released, share, t);
    // 4,500 draws: the relative standard error of an estimated std is 1 / sqrt(2 * 4500) = 1.1%
    assertEquals(sigma, released, 0.05 * sigma, "the aggregated noise's std against the accountant's sigma");
    assertEquals(sigma / Math.sqrt(t), share, 0.05 * sigma / Math.sqrt(t), "one site's share");
    assertTrue(share < 0.6 * sigma, "a single site's share alone is smaller than the job's noise: " + share);
  }
}
