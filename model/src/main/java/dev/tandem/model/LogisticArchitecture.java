package dev.tandem.model;

/** Logistic regression: {@code [w_0..w_{d-1}, b]}. */
record LogisticArchitecture(int inputDimension) implements ModelArchitecture {

  @Override
  public int parameterCount() {
    return inputDimension + 1;
  }

  @Override
  public double[] initialParameters(long seed) {
    return new double[parameterCount()];
  }

  @Override
  public double predict(double[] params, double[] x) {
    Layouts.check(this, params, x);
    double z = params[inputDimension];
    for (int i = 0; i < inputDimension; i++) {
      z += params[i] * x[i];
    }
    return ModelArchitecture.sigmoid(z);
  }
}
