package dev.tandem.model;

import java.util.Objects;

/** Argument checks shared by the architectures. */
final class Layouts {

  private Layouts() {
  }

  static void check(ModelArchitecture a, double[] params, double[] x) {
    Objects.requireNonNull(params, "params");
    Objects.requireNonNull(x, "x");
    if (params.length != a.parameterCount()) {
      throw new IllegalArgumentException("expected " + a.parameterCount() + " parameters, got " + params.length);
    }
    if (x.length != a.inputDimension()) {
      throw new IllegalArgumentException("expected an input of " + a.inputDimension() + " values, got " + x.length);
    }
  }
}
