package dev.tandem.node.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.model.ModelArchitecture;
import dev.tandem.model.ModelSpec;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Compares the nd4j backprop with central finite differences of the objective computed in plain Java. */
class GradientCheckTest {

  private static final int ROWS = 9;
  private static final int DIM = 4;

  private static EncodedData tinyProblem(long seed) {
    Random random = new Random(seed);
    double[][] x = new double[ROWS][DIM];
    double[] y = new double[ROWS];
    for (int i = 0; i < ROWS; i++) {
      for (int j = 0; j < DIM; j++) {
        x[i][j] = random.nextGaussian();
      }
      y[i] = random.nextBoolean() ? 1 : 0;
    }
    return new EncodedData(x, y);
  }

  /** mean log loss (unclipped) + l2/2 * ||weights||^2, via ModelArchitecture.predict. */
  private static double objective(ModelSpec spec, double[] params, EncodedData data, boolean[] penalized) {
    ModelArchitecture arch = ModelArchitecture.of(spec, DIM);
    double loss = 0;
    for (int i = 0; i < data.size(); i++) {
      double p = arch.predict(params, data.xRef()[i]);
      loss -= data.yRef()[i] == 1 ? Math.log(p) : Math.log1p(-p);
    }
    double penalty = 0;
    for (int k = 0; k < params.length; k++) {
      penalty += penalized[k] ? params[k] * params[k] : 0;
    }
    return loss / data.size() + spec.l2() / 2 * penalty;
  }

  private static double[] backprop(ModelSpec spec, double[] params, EncodedData data) {
    try (DesignMatrix m = new DesignMatrix(data); Network net = Network.create(spec, DIM, params, ROWS)) {
      net.gradient(m, 0, ROWS);
      return net.gradientValues();
    }
  }

  private static void check(ModelSpec spec, double[] params, boolean[] penalized, EncodedData data) {
    double[] analytic = backprop(spec, params, data);
    double h = 1e-6;
    for (int k = 0; k < params.length; k++) {
      double[] plus = params.clone();
      double[] minus = params.clone();
      plus[k] += h;
      minus[k] -= h;
      double numeric = (objective(spec, plus, data, penalized) - objective(spec, minus, data, penalized)) / (2 * h);
      double tolerance = 1e-7 + 1e-5 * Math.abs(numeric);
      assertEquals(numeric, analytic[k], tolerance, "parameter " + k);
    }
  }

  @Test
  void logisticGradient_tinyProblem_matchesFiniteDifferences() {
    ModelSpec spec = ModelSpec.logisticRegression(0.3);
    double[] params = {0.4, -0.7, 0.2, 1.1, -0.3};
    boolean[] penalized = {true, true, true, true, false};
    check(spec, params, penalized, tinyProblem(1));
  }

  @Test
  void mlpGradient_tinyProblem_matchesFiniteDifferences() {
    int hidden = 3;
    ModelSpec spec = ModelSpec.mlp(hidden, 0.2);
    ModelArchitecture arch = ModelArchitecture.of(spec, DIM);
    double[] params = arch.initialParameters(5);
    Random random = new Random(8);
    for (int k = 0; k < params.length; k++) {
      params[k] += 0.3 * random.nextGaussian(); // non-zero biases too
    }
    boolean[] penalized = new boolean[params.length];
    int w2 = (DIM + 1) * hidden;
    for (int k = 0; k < params.length; k++) {
      penalized[k] = k < DIM * hidden || (k >= w2 && k < w2 + hidden);
    }
    check(spec, params, penalized, tinyProblem(2));
  }

  @Test
  void mlpGradient_withoutPenalty_isNotTheZeroVector() {
    ModelSpec spec = ModelSpec.mlp(2, 0);
    double[] params = ModelArchitecture.of(spec, DIM).initialParameters(3);
    double[] g = backprop(spec, params, tinyProblem(4));
    double norm = 0;
    for (double v : g) {
      norm += v * v;
    }
    assertTrue(norm > 1e-6, "gradient norm " + norm);
  }

  @Test
  void forward_blocksSmallerThanData_matchModelArchitecturePredict() {
    Random random = new Random(11);
    int n = 23;
    double[][] x = new double[n][DIM];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < DIM; j++) {
        x[i][j] = 2 * random.nextGaussian();
      }
    }
    EncodedData data = new EncodedData(x, y);
    for (ModelSpec spec : new ModelSpec[] {ModelSpec.logisticRegression(0), ModelSpec.mlp(5, 0)}) {
      ModelArchitecture arch = ModelArchitecture.of(spec, DIM);
      double[] params = new double[arch.parameterCount()];
      for (int k = 0; k < params.length; k++) {
        params[k] = random.nextGaussian();
      }
      double[] p;
      try (DesignMatrix m = new DesignMatrix(data); Network net = Network.create(spec, DIM, params, 5)) {
        p = net.predictAll(m);
      }
      for (int i = 0; i < n; i++) {
        assertEquals(arch.predict(params, x[i]), p[i], 1e-12, spec.type() + " row " + i);
      }
    }
  }
}
