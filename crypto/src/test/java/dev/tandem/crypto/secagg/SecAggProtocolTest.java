package dev.tandem.crypto.secagg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class SecAggProtocolTest {
  private static final int D = 1000;

  /** When the dropped sites fall silent. */
  enum Dropout {
    /** Never advertise keys: outside U1. */
    BEFORE_ADVERTISING,
    /** Advertise, never share keys: in U1, outside U2. */
    BEFORE_SHARING,
    /** Share keys, never send a masked input: in U2, outside U3 (their s_sk is reconstructed). */
    BEFORE_MASKED_INPUT,
    /** Send a masked input, never unmask: in U3, outside U4 (their input is still summed). */
    BEFORE_UNMASKING
  }

  static Stream<Arguments> dropoutCases() {
    List<Arguments> cases = new ArrayList<>();
    int[][] sizes = {{2, 2}, {3, 2}, {5, 3}, {6, 4}, {7, 4}};
    for (int[] size : sizes) {
      int n = size[0];
      int t = size[1];
      cases.add(Arguments.of(n, t, Dropout.BEFORE_MASKED_INPUT, 0));
      for (Dropout stage : Dropout.values()) {
        for (int drops : new TreeSet<>(List.of(1, n - t))) {
          if (drops >= 1 && drops <= n - t) {
            cases.add(Arguments.of(n, t, stage, drops));
          }
        }
      }
    }
    return cases.stream();
  }

  /** The first {@code drops} of the sites at positions 2, 4, 6, ... then 1, 3, 5, ... (1-based). */
  static Set<String> pick(TestFederation federation, int drops) {
    List<String> order = new ArrayList<>();
    int n = federation.config.size();
    for (int start : new int[] {2, 1}) {
      for (int position = start; position <= n; position += 2) {
        order.add(federation.site(position));
      }
    }
    return new TreeSet<>(order.subList(0, drops));
  }

  @ParameterizedTest(name = "n={0} t={1} {3} dropped {2}")
  @MethodSource("dropoutCases")
  void sum_withDropouts_equalsExactSumOfSurvivorsEncodings(int n, int t, Dropout stage, int drops) {
    TestFederation federation = TestFederation.create(n, t, D, 1000L * n + 10L * drops + stage.ordinal());
    Set<String> dropped = pick(federation, drops);
    Set<String> none = Set.of();

    federation.advertise(stage == Dropout.BEFORE_ADVERTISING ? dropped : none);
    federation.shareKeys(stage == Dropout.BEFORE_SHARING ? dropped : none);
    federation.maskInputs(stage == Dropout.BEFORE_MASKED_INPUT ? dropped : none);
    RoundState end = federation.unmask(stage == Dropout.BEFORE_UNMASKING ? dropped : none);

    assertEquals(Stage.COMPLETE, end.stage(), () -> end.abortDetail());
    Set<String> summed = new TreeSet<>(federation.config.participants());
    if (stage != Dropout.BEFORE_UNMASKING) {
      summed.removeAll(dropped);
    }
    assertEquals(summed, end.masked());
    long[] expected = federation.expectedEncodedSum(summed);
    assertArrayEquals(expected, federation.server.encodedSum());
    assertArrayEquals(federation.config.encoding().decode(expected), federation.server.sum());
  }

  @Test
  void sum_dropoutsAtThreeStages_equalsExactSumOfSurvivorsEncodings() {
    TestFederation federation = TestFederation.create(7, 4, D, 77);
    federation.advertise(Set.of());
    federation.shareKeys(Set.of(federation.site(1)));
    federation.maskInputs(Set.of(federation.site(4)));
    RoundState end = federation.unmask(Set.of(federation.site(2)));

    assertEquals(Stage.COMPLETE, end.stage(), end::abortDetail);
    Set<String> summed = Set.of(federation.site(2), federation.site(3), federation.site(5), federation.site(6),
        federation.site(7));
    assertEquals(summed, end.masked());
    assertEquals(Set.of(federation.site(3), federation.site(5), federation.site(6), federation.site(7)), end.unmasked());
    assertArrayEquals(federation.expectedEncodedSum(summed), federation.server.encodedSum());
  }

  @Test
  void sum_sitesExactlyAtClip_decodesExactly() {
    FixedPoint encoding = FixedPoint.forSum(5, 1.0, 58);
    TestFederation federation = TestFederation.create(5, 3, D, encoding, 5);
    federation.updates.values().forEach(u -> Arrays.fill(u, 1.0));
    federation.advertise(Set.of());
    federation.shareKeys(Set.of());
    federation.maskInputs(Set.of(federation.site(2)));
    federation.unmask(Set.of());
    double[] sum = federation.server.sum();
    for (double v : sum) {
      assertEquals(4.0, v);
    }
  }

  @ParameterizedTest
  @EnumSource(Dropout.class)
  void closeStage_fewerThanTSurvivors_abortsWithoutSum(Dropout stage) {
    int n = 5;
    int t = 3;
    TestFederation federation = TestFederation.create(n, t, D, 500 + stage.ordinal());
    Set<String> dropped = pick(federation, n - t + 1);
    Set<String> none = Set.of();

    RoundState end = federation.advertise(stage == Dropout.BEFORE_ADVERTISING ? dropped : none);
    if (end.stage() != Stage.ABORTED) {
      end = federation.shareKeys(stage == Dropout.BEFORE_SHARING ? dropped : none);
    }
    if (end.stage() != Stage.ABORTED) {
      end = federation.maskInputs(stage == Dropout.BEFORE_MASKED_INPUT ? dropped : none);
    }
    if (end.stage() != Stage.ABORTED) {
      end = federation.unmask(stage == Dropout.BEFORE_UNMASKING ? dropped : none);
    }

    assertEquals(Stage.ABORTED, end.stage());
    assertEquals(SecAggException.Reason.BELOW_THRESHOLD, end.abortReason());
    assertTrue(end.abortDetail().contains("threshold is 3"), end.abortDetail());
    assertEquals(Stage.ABORTED, federation.server.history().get(federation.server.history().size() - 1).stage());
    SecAggException noSum = assertThrows(SecAggException.class, federation.server::sum);
    assertEquals(SecAggException.Reason.WRONG_STAGE, noSum.reason());
    assertThrows(SecAggException.class, federation.server::encodedSum);
    assertThrows(SecAggException.class, federation.server::closeStage);
  }

  @Test
  void history_fullRound_listsEveryStageInOrder() {
    TestFederation federation = TestFederation.create(3, 2, 10, 3);
    federation.runAll();
    List<Stage> stages = federation.server.history().stream().map(RoundState::stage).toList();
    assertEquals(List.of(Stage.ADVERTISE_KEYS, Stage.SHARE_KEYS, Stage.MASKED_INPUT, Stage.UNMASKING, Stage.COMPLETE),
        stages);
    RoundState end = federation.server.state();
    assertNull(end.abortReason());
    assertEquals(Set.of(), end.expected());
    assertEquals(end.advertised(), Set.copyOf(federation.config.participants()));
  }

  @Test
  void sum_twoRoundsSameSites_useFreshMasks() {
    TestFederation first = TestFederation.create(3, 2, 50, 11);
    TestFederation second = TestFederation.create(3, 2, 50, 12);
    second.updates.putAll(first.updates);
    first.runAll();
    second.runAll();
    assertArrayEquals(first.server.encodedSum(), second.server.encodedSum());
    String site = first.site(1);
    long[] a = first.maskedInputs.get(site).masked();
    long[] b = second.maskedInputs.get(site).masked();
    for (int i = 0; i < a.length; i++) {
      assertTrue(a[i] != b[i], "coordinate " + i + " has the same mask in both rounds");
    }
  }
}
