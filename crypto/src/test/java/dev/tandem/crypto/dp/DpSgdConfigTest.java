package dev.tandem.crypto.dp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DpSgdConfigTest {

  @Test
  void epsilonAfter_abadiSetting_matchesReference() {
    DpSgdConfig config = new DpSgdConfig(4.0, 1.0, 0.01, 1e-5);
    assertEquals(1.0354900660362476, config.epsilonAfter(10000), 1e-6);
    assertEquals(0.0, config.epsilonAfter(0), 0.0);
  }

  @Test
  void noiseStandardDeviation_isSigmaTimesClip() {
    assertEquals(2.2, new DpSgdConfig(1.1, 2.0, 0.01, 1e-5).noiseStandardDeviation(), 1e-15);
  }

  @Test
  void composeInto_addsThisRunToLedger() {
    DpSgdConfig config = new DpSgdConfig(1.0, 1.0, 0.004, 1e-5);
    RdpAccountant ledger = RdpAccountant.empty().compose(0.01, 4.0, 5000);
    assertArrayEquals(ledger.compose(0.004, 1.0, 1000).rdp(), config.composeInto(ledger, 1000).rdp());
  }

  @ParameterizedTest
  @CsvSource({
    "0.0, 1.0, 0.01, 1e-5, 'noiseMultiplier must be finite and > 0, got 0.0'",
    "NaN, 1.0, 0.01, 1e-5, 'noiseMultiplier must be finite and > 0, got NaN'",
    "1.0, -1.0, 0.01, 1e-5, 'maxGradNorm must be finite and > 0, got -1.0'",
    "1.0, Infinity, 0.01, 1e-5, 'maxGradNorm must be finite and > 0, got Infinity'",
    "1.0, 1.0, 0.0, 1e-5, 'samplingRate must be in (0, 1], got 0.0'",
    "1.0, 1.0, 1.5, 1e-5, 'samplingRate must be in (0, 1], got 1.5'",
    "1.0, 1.0, 0.01, 0.0, 'delta must be in (0, 1), got 0.0'",
    "1.0, 1.0, 0.01, 1.0, 'delta must be in (0, 1), got 1.0'",
  })
  void constructor_invalidValue_throwsNamingIt(double sigma, double clip, double q, double delta, String message) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new DpSgdConfig(sigma, clip, q, delta));
    assertEquals(message, e.getMessage());
  }
}
