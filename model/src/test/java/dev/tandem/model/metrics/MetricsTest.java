package dev.tandem.model.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class MetricsTest {

  @Test
  void auc_smallExampleWithTies_matchesHandCount() {
    double[] s = {0.1, 0.4, 0.35, 0.8, 0.4};
    boolean[] y = {false, false, true, true, true};
    // positives 0.35, 0.8, 0.4 vs negatives 0.1, 0.4: (1+0) + (1+1) + (1+0.5) = 4.5 of 6
    assertEquals(4.5 / 6, BinaryMetrics.auc(s, y), 1e-15);
  }

  @Test
  void auc_oneClassOnly_isNaN() {
    assertTrue(Double.isNaN(BinaryMetrics.auc(new double[] {0.2, 0.3}, new boolean[] {true, true})));
    assertTrue(Double.isNaN(new ScoreHistogram(10).auc()));
  }

  @Test
  void logLossAndAccuracy_knownValues() {
    double[] p = {0.9, 0.2, 0.6, 0.0};
    boolean[] y = {true, false, false, false};
    double expected = (-Math.log(0.9) - Math.log(0.8) - Math.log(0.4) - Math.log1p(-1e-15)) / 4;
    assertEquals(expected, BinaryMetrics.logLoss(p, y), 1e-12);
    assertEquals(0.75, BinaryMetrics.accuracy(p, y), 0.0);
    assertEquals(-Math.log(1e-15), BinaryMetrics.logLoss(new double[] {0}, new boolean[] {true}), 1e-9);
  }

  @Test
  void histogramAuc_randomScores_isWithinTwoThousandthsOfExactAuc() {
    Random random = new Random(5);
    for (int trial = 0; trial < 20; trial++) {
      int n = 500 + random.nextInt(5000);
      double separation = random.nextDouble() * 2;
      double[] s = new double[n];
      boolean[] y = new boolean[n];
      ScoreHistogram h = new ScoreHistogram(ScoreHistogram.DEFAULT_BINS);
      for (int i = 0; i < n; i++) {
        y[i] = random.nextDouble() < 0.3;
        double z = random.nextGaussian() + (y[i] ? separation : 0);
        s[i] = 1 / (1 + Math.exp(-z));
        h.add(s[i], y[i]);
      }
      double exact = BinaryMetrics.auc(s, y);
      assertEquals(exact, h.auc(), 0.002, "trial " + trial);
    }
  }

  @Test
  void histogramAuc_scoresOnBinCentres_equalsExactAuc() {
    Random random = new Random(9);
    int bins = 50;
    double[] s = new double[2000];
    boolean[] y = new boolean[2000];
    ScoreHistogram h = new ScoreHistogram(bins);
    for (int i = 0; i < s.length; i++) {
      y[i] = random.nextBoolean();
      s[i] = (random.nextInt(bins) + 0.5) / bins * (y[i] ? 1 : 0.9);
      s[i] = (Math.floor(s[i] * bins) + 0.5) / bins;
      h.add(s[i], y[i]);
    }
    assertEquals(BinaryMetrics.auc(s, y), h.auc(), 1e-12);
  }

  @Test
  void merge_twoHistograms_equalsHistogramOfUnion() {
    Random random = new Random(3);
    ScoreHistogram a = new ScoreHistogram(100);
    ScoreHistogram b = new ScoreHistogram(100);
    ScoreHistogram union = new ScoreHistogram(100);
    for (int i = 0; i < 3000; i++) {
      double s = random.nextDouble();
      boolean y = random.nextDouble() < s;
      (i % 3 == 0 ? a : b).add(s, y);
      union.add(s, y);
    }
    ScoreHistogram merged = a.merge(b);
    assertEquals(union, merged);
    assertArrayEquals(union.positives(), merged.positives());
    assertArrayEquals(union.negatives(), merged.negatives());
    assertEquals(union.auc(), merged.auc(), 0.0);
    assertEquals(1000, a.positiveCount() + a.negativeCount());
    assertEquals(merged, ScoreHistogram.of(merged.positives(), merged.negatives()));
  }

  @Test
  void histogram_edgesAndBadInput() {
    ScoreHistogram h = new ScoreHistogram(10);
    h.add(1.0, true);
    h.add(0.0, false);
    assertEquals(1, h.positives()[9]);
    assertEquals(1, h.negatives()[0]);
    assertEquals(1.0, h.auc(), 0.0);
    assertThrows(IllegalArgumentException.class, () -> h.add(1.01, true));
    assertThrows(IllegalArgumentException.class, () -> h.add(Double.NaN, true));
    assertThrows(IllegalArgumentException.class, () -> h.merge(new ScoreHistogram(11)));
    assertThrows(IllegalArgumentException.class, () -> ScoreHistogram.of(new long[] {-1}, new long[] {0}));
  }
}
