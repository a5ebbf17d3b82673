package dev.tandem.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ModelArchitectureTest {

  @Test
  void logistic_layout_isWeightsThenBias() {
    ModelArchitecture lr = ModelArchitecture.of(ModelSpec.logisticRegression(0), 2);
    assertEquals(3, lr.parameterCount());
    assertArrayEquals(new double[3], lr.initialParameters(7), 0.0);
    double z = 0.5 * 2 - 1.0 * 3 + 0.25;
    assertEquals(1 / (1 + Math.exp(-z)), lr.predict(new double[] {0.5, -1.0, 0.25}, new double[] {2, 3}), 1e-15);
  }

  @Test
  void mlp_layout_isRowMajorW1ThenB1ThenW2ThenB2() {
    ModelArchitecture mlp = ModelArchitecture.of(ModelSpec.mlp(2, 0), 3);
    assertEquals(3 * 2 + 2 + 2 + 1, mlp.parameterCount());
    double[] p = {
      0.1, -0.2, // W1 row of input 0
      0.3, 0.4, // row of input 1
      -0.5, 0.6, // row of input 2
      0.05, -0.05, // b1
      1.5, -2.0, // w2
      0.3 // b2
    };
    double[] x = {1, 2, -1};
    double h0 = Math.tanh(0.1 * 1 + 0.3 * 2 - 0.5 * -1 + 0.05);
    double h1 = Math.tanh(-0.2 * 1 + 0.4 * 2 + 0.6 * -1 - 0.05);
    double z = 1.5 * h0 - 2.0 * h1 + 0.3;
    assertEquals(1 / (1 + Math.exp(-z)), mlp.predict(p, x), 1e-15);
  }

  @Test
  void mlpInitialParameters_sameSeed_sameVectorWithinXavierLimitsAndZeroBiases() {
    ModelArchitecture mlp = ModelArchitecture.of(ModelSpec.mlp(4, 0), 10);
    double[] a = mlp.initialParameters(11);
    assertArrayEquals(a, mlp.initialParameters(11), 0.0);
    assertNotEquals(a[0], mlp.initialParameters(12)[0]);
    double limit = Math.sqrt(6.0 / 14);
    for (int i = 0; i < 40; i++) {
      assertTrue(Math.abs(a[i]) <= limit && a[i] != 0, "W1 entry " + i);
    }
    for (int j = 40; j < 44; j++) {
      assertEquals(0.0, a[j], "b1 entry " + j);
    }
    assertEquals(0.0, a[48]);
  }

  @Test
  void predict_wrongLengths_areRejected() {
    ModelArchitecture lr = ModelArchitecture.of(ModelSpec.logisticRegression(0), 2);
    assertThrows(IllegalArgumentException.class, () -> lr.predict(new double[2], new double[2]));
    assertThrows(IllegalArgumentException.class, () -> lr.predict(new double[3], new double[3]));
    assertThrows(IllegalArgumentException.class, () -> ModelArchitecture.of(ModelSpec.mlp(1, 0), 0));
  }

  @Test
  void sigmoid_extremeInputs_stayFiniteAndInRange() {
    assertEquals(1.0, ModelArchitecture.sigmoid(800), 0.0);
    assertEquals(0.0, ModelArchitecture.sigmoid(-800), 1e-300);
    assertEquals(0.5, ModelArchitecture.sigmoid(0), 0.0);
  }
}
