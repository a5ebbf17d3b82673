package dev.tandem.node.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PoissonSamplerTest {

  @Test
  void sample_manyDraws_takeEachRowIndependentlyWithProbabilityQ() {
    int n = 1000;
    double q = 0.05;
    int draws = 4000;
    PoissonSampler sampler = new PoissonSampler(n, q, DpSgdTest.seeded(1));
    int[] batch = new int[n];
    int[] hits = new int[n];
    double sum = 0;
    double sumSquares = 0;
    for (int d = 0; d < draws; d++) {
      int size = sampler.sample(batch);
      sum += size;
      sumSquares += (double) size * size;
      for (int i = 0; i < size; i++) {
        hits[batch[i]]++;
        assertTrue(i == 0 || batch[i] > batch[i - 1], "rows in increasing order, each once");
      }
    }
    double mean = sum / draws;
    double variance = sumSquares / draws - mean * mean;
    // batch size is Binomial(n, q): mean 50, variance 47.5
    assertEquals(n * q, mean, 0.5, "mean batch size");
    assertEquals(n * q * (1 - q), variance, 5, "batch size variance");
    // each row: Binomial(4000, 0.05), mean 200, sd 13.8; the first and last rows too
    assertEquals(200, IntStream.of(hits).limit(100).average().orElseThrow(), 5, "first rows");
    assertEquals(200, IntStream.of(hits).skip(n - 100).average().orElseThrow(), 5, "last rows");
    assertTrue(IntStream.of(hits).min().orElseThrow() > 200 - 6 * 14, "min " + Arrays.toString(hits));
    assertTrue(IntStream.of(hits).max().orElseThrow() < 200 + 6 * 14, "max " + Arrays.toString(hits));
  }

  @Test
  void sample_rateOne_takesEveryRow() {
    int[] batch = new int[4];
    assertEquals(4, new PoissonSampler(4, 1.0, new Random(1)).sample(batch));
    assertArrayEquals(new int[] {0, 1, 2, 3}, batch);
  }

  @Test
  void sample_badArguments_areRejected() {
    assertThrows(IllegalArgumentException.class, () -> new PoissonSampler(0, 0.5, new Random()));
    assertThrows(IllegalArgumentException.class, () -> new PoissonSampler(5, 0, new Random()));
    assertThrows(IllegalArgumentException.class, () -> new PoissonSampler(5, 1.01, new Random()));
    assertThrows(IllegalArgumentException.class, () -> new PoissonSampler(5, 0.5, new Random()).sample(new int[4]));
  }
}
