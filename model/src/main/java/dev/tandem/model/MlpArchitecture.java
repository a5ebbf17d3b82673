package dev.tandem.model;

import java.util.SplittableRandom;

/** One tanh hidden layer, sigmoid output: {@code [W1 (d x h, row-major), b1 (h), w2 (h), b2]}. */
record MlpArchitecture(int inputDimension, int hidden) implements ModelArchitecture {

  @Override
  public int parameterCount() {
    return inputDimension * hidden + 2 * hidden + 1;
  }

  @Override
  public double[] initialParameters(long seed) {
    double[] p = new double[parameterCount()];
    SplittableRandom random = new SplittableRandom(seed);
    double limit1 = Math.sqrt(6.0 / (inputDimension + hidden));
    for (int i = 0; i < inputDimension * hidden; i++) {
      p[i] = (2 * random.nextDouble() - 1) * limit1;
    }
    double limit2 = Math.sqrt(6.0 / (hidden + 1));
    int w2 = inputDimension * hidden + hidden;
    for (int j = 0; j < hidden; j++) {
      p[w2 + j] = (2 * random.nextDouble() - 1) * limit2;
    }
    return p;
  }

  @Override
  public double predict(double[] params, double[] x) {
    Layouts.check(this, params, x);
    int d = inputDimension;
    int b1 = d * hidden;
    int w2 = b1 + hidden;
    double z = params[w2 + hidden];
    for (int j = 0; j < hidden; j++) {
      double a = params[b1 + j];
      for (int i = 0; i < d; i++) {
        a += x[i] * params[i * hidden + j];
      }
      z += Math.tanh(a) * params[w2 + j];
    }
    return ModelArchitecture.sigmoid(z);
  }
}
