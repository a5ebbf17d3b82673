package dev.tandem.coordinator.rounds;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class FedAvgTest {
  @Test
  void aggregate_weightsBySampleCount() {
    double[] avg = FedAvg.aggregate(List.of(
        new FedAvg.Contribution(new double[] {1, 0}, 1),
        new FedAvg.Contribution(new double[] {4, 3}, 2)));
    assertArrayEquals(new double[] {3, 2}, avg, 1e-12);
  }

  @Test
  void aggregate_singleSite_returnsItsParameters() {
    assertArrayEquals(new double[] {0.5, -2}, FedAvg.aggregate(List.of(
        new FedAvg.Contribution(new double[] {0.5, -2}, 17))), 0);
  }

  @Test
  void aggregate_lengthsDiffer_refused() {
    assertThrows(IllegalArgumentException.class, () -> FedAvg.aggregate(List.of(
        new FedAvg.Contribution(new double[] {1}, 1), new FedAvg.Contribution(new double[] {1, 2}, 1))));
  }

  @Test
  void contribution_nonPositiveSamples_refused() {
    assertThrows(IllegalArgumentException.class, () -> new FedAvg.Contribution(new double[] {1}, 0));
  }
}
