package dev.tandem.crypto.secagg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SecAggConfigTest {
  private static final FixedPoint ENCODING = FixedPoint.forSum(10, 1.0, 16);
  private static final List<String> SITES = List.of("bank", "hospital", "operator-east", "operator-west");

  @ParameterizedTest
  @CsvSource({"2, 2", "3, 2", "4, 3", "4, 4", "5, 3", "7, 4"})
  void constructor_strictMajorityThreshold_isAccepted(int n, int t) {
    assertEquals(t, new SecAggConfig("r", sites(n), t, ENCODING, 10).threshold());
  }

  @ParameterizedTest
  @CsvSource({"2, 1", "4, 2", "5, 2", "6, 3", "4, 5", "3, 0"})
  void constructor_thresholdNotStrictMajorityOrAboveN_throws(int n, int t) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new SecAggConfig("r", sites(n), t, ENCODING, 10));
    assertTrue(e.getMessage().contains("threshold"), e.getMessage());
  }

  @Test
  void constructor_unsortedOrDuplicateParticipants_throwsNamingSite() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new SecAggConfig("r", List.of("b", "a", "c"), 2, ENCODING, 10));
    assertTrue(e.getMessage().contains("b is not before a"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new SecAggConfig("r", List.of("a", "a", "c"), 2, ENCODING, 10));
    assertThrows(IllegalArgumentException.class, () -> new SecAggConfig("r", List.of("a"), 1, ENCODING, 10));
    assertThrows(IllegalArgumentException.class, () -> new SecAggConfig("r", List.of("", "a"), 2, ENCODING, 10));
  }

  @Test
  void constructor_encodingWithoutHeadroom_throws() {
    FixedPoint tight = FixedPoint.forSum(2, 1.0, 61);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new SecAggConfig("r", SITES, 3, tight, 10));
    assertTrue(e.getMessage().contains("headroom"), e.getMessage());
  }

  @Test
  void constructor_badVectorLengthOrRound_throws() {
    assertThrows(IllegalArgumentException.class, () -> new SecAggConfig("r", SITES, 3, ENCODING, 0));
    assertThrows(IllegalArgumentException.class, () -> new SecAggConfig("", SITES, 3, ENCODING, 10));
    assertThrows(IllegalArgumentException.class, () -> new SecAggConfig("r".repeat(300), SITES, 3, ENCODING, 10));
  }

  @Test
  void indexOf_participants_isOneBasedPosition() {
    SecAggConfig config = new SecAggConfig("r", SITES, 3, ENCODING, 10);
    assertEquals(1, config.indexOf("bank"));
    assertEquals(4, config.indexOf("operator-west"));
    assertTrue(config.isParticipant("hospital"));
    assertFalse(config.isParticipant("mallory"));
    assertThrows(IllegalArgumentException.class, () -> config.indexOf("mallory"));
  }

  @Test
  void requireQuorum_belowThreshold_throwsBelowThreshold() {
    SecAggConfig config = new SecAggConfig("r", SITES, 3, ENCODING, 10);
    config.requireQuorum(List.of("bank", "hospital", "operator-east"), "sites");
    SecAggException e = assertThrows(SecAggException.class, () -> config.requireQuorum(List.of("bank", "hospital"), "sites"));
    assertEquals(SecAggException.Reason.BELOW_THRESHOLD, e.reason());
  }

  @Test
  void participants_copiedIn() {
    List<String> sites = new ArrayList<>(SITES);
    SecAggConfig config = new SecAggConfig("r", sites, 3, ENCODING, 10);
    sites.set(0, "aaa");
    assertEquals(SITES, config.participants());
  }

  private static List<String> sites(int n) {
    List<String> sites = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      sites.add("site-" + i);
    }
    return sites;
  }
}
