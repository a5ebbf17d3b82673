package dev.tandem.crypto.psi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PsiPartyTest {
  private static List<String> ids(String prefix, int from, int to) {
    return IntStream.range(from, to).mapToObj(i -> prefix + i).collect(Collectors.toList());
  }

  private static List<String> shuffled(List<String> ids, long seed) {
    List<String> copy = new ArrayList<>(ids);
    Collections.shuffle(copy, new Random(seed));
    return copy;
  }

  private static List<String> inOrderOf(List<String> input, List<String> subset) {
    return input.stream().filter(subset::contains).distinct().collect(Collectors.toList());
  }

  @Test
  void intersection_partialOverlap_bothLearnTheSharedIdsInTheirOwnOrder() {
    List<String> a = shuffled(ids("subject-", 0, 3000), 1);
    List<String> b = shuffled(ids("subject-", 2000, 6000), 2);
    Exchange run = Exchange.run(a, b);
    List<String> shared = ids("subject-", 2000, 3000);
    assertEquals(inOrderOf(a, shared), run.aResult());
    assertEquals(inOrderOf(b, shared), run.bResult());
  }

  @Test
  void intersection_fullOverlap_isTheWholeSet() {
    List<String> a = ids("id", 0, 1000);
    Exchange run = Exchange.run(a, shuffled(a, 3));
    assertEquals(a, run.aResult());
    assertEquals(shuffled(a, 3), run.bResult());
  }

  @Test
  void intersection_disjointSets_isEmptyForBoth() {
    Exchange run = Exchange.run(ids("a", 0, 500), ids("b", 0, 700));
    assertEquals(List.of(), run.aResult());
    assertEquals(List.of(), run.bResult());
  }

  @Test
  void intersection_duplicates_areCountedOnceInFirstOccurrenceOrder() {
    List<String> a = List.of("x", "y", "x", "z", "y", "x");
    List<String> b = List.of("y", "q", "x", "x", "y");
    PsiParty partyA = PsiParty.of(a);
    PsiParty partyB = PsiParty.of(b);
    assertEquals(3, partyA.size());
    assertEquals(3, partyB.size());
    BlindedIds fromA = BlindedIds.fromBytes(partyA.blindedIds().toBytes());
    BlindedIds fromB = BlindedIds.fromBytes(partyB.blindedIds().toBytes());
    assertEquals(3, fromA.size(), "the peer sees distinct ids only");
    Reblinded replyA = partyA.reblind(fromB);
    Reblinded replyB = partyB.reblind(fromA);
    assertEquals(List.of("x", "y"), partyA.intersection(replyB));
    assertEquals(List.of("y", "x"), partyB.intersection(replyA));
  }

  @Test
  void intersection_emptyOnOneSide_isEmptyForBoth() {
    Exchange run = Exchange.run(List.of(), ids("b", 0, 100));
    assertEquals(List.of(), run.aResult());
    assertEquals(List.of(), run.bResult());
    Exchange reversed = Exchange.run(ids("a", 0, 100), List.of());
    assertEquals(List.of(), reversed.aResult());
    assertEquals(List.of(), reversed.bResult());
  }

  @Test
  void intersection_emptyOnBothSides_isEmpty() {
    Exchange run = Exchange.run(List.of(), List.of());
    assertEquals(List.of(), run.aResult());
    assertEquals(List.of(), run.bResult());
  }

  @Test
  void intersection_unicodeAndEmptyStringIds_matchByTheirUtf8Bytes() {
    List<String> a = List.of("", "Zoë", "\uD83D\uDE00", "zoe", "ZOË");
    List<String> b = List.of("Zoë", "", "\uD83D\uDE00", "Zoe\u0308");
    Exchange run = Exchange.run(a, b);
    assertEquals(List.of("", "Zoë", "\uD83D\uDE00"), run.aResult());
    assertEquals(List.of("Zoë", "", "\uD83D\uDE00"), run.bResult());
  }

  @Test
  void blindedIds_sameIdsTwice_differBecauseEachSessionHasItsOwnSecret() {
    List<String> ids = ids("s", 0, 50);
    byte[] first = PsiParty.of(ids).blindedIds().toBytes();
    byte[] second = PsiParty.of(ids).blindedIds().toBytes();
    assertFalse(Arrays.equals(first, second));
  }

  @Test
  void blindedIds_sharedIdsFirstInTheInput_areSpreadOverTheMessage() {
    List<String> a = new ArrayList<>(ids("shared-", 0, 50));
    a.addAll(ids("a-only-", 0, 950));
    PsiParty partyA = PsiParty.of(a);
    PsiParty partyB = PsiParty.of(ids("shared-", 0, 50));
    BlindedIds fromA = partyA.blindedIds();
    BlindedIds fromB = partyB.blindedIds();
    Reblinded replyA = partyA.reblind(fromB);
    Reblinded replyB = partyB.reblind(fromA);
    // What B sees: the positions in A's message whose doubly blinded point matches one of B's.
    PointSet bDoubled = new PointSet(replyA.points(), replyA.size());
    List<Integer> positions = IntStream.range(0, replyB.size())
        .filter(j -> bDoubled.contains(replyB.points(), j * 32)).boxed().collect(Collectors.toList());
    assertEquals(50, positions.size());
    assertTrue(positions.get(49) > 200, "shared ids sit at positions " + positions);
  }

  @Test
  void steps_outOfOrder_areRefusedWithWrongStage() {
    PsiParty a = PsiParty.of(List.of("1", "2"));
    PsiParty b = PsiParty.of(List.of("2", "3"));
    BlindedIds fromB = b.blindedIds();
    assertEquals(PsiException.Reason.WRONG_STAGE, assertThrows(PsiException.class, () -> a.reblind(fromB)).reason());
    BlindedIds fromA = a.blindedIds();
    assertEquals(PsiParty.Stage.BLINDED, a.stage());
    assertEquals(PsiException.Reason.WRONG_STAGE, assertThrows(PsiException.class, a::blindedIds).reason());
    Reblinded replyB = b.reblind(fromA);
    assertEquals(PsiException.Reason.WRONG_STAGE,
        assertThrows(PsiException.class, () -> a.intersection(replyB)).reason());
    a.reblind(fromB);
    assertEquals(List.of("2"), a.intersection(replyB));
    assertEquals(PsiParty.Stage.DONE, a.stage());
    assertEquals(PsiException.Reason.WRONG_STAGE,
        assertThrows(PsiException.class, () -> a.intersection(replyB)).reason());
  }

  @Test
  void intersection_replyToAnotherRequest_isRefusedAsMismatched() {
    List<String> ids = ids("m", 0, 20);
    PsiParty a = PsiParty.of(ids);
    PsiParty other = PsiParty.of(ids);
    PsiParty b = PsiParty.of(ids);
    BlindedIds fromA = a.blindedIds();
    BlindedIds fromOther = other.blindedIds();
    a.reblind(b.blindedIds());
    b.reblind(fromA);
    PsiParty c = PsiParty.of(ids);
    c.blindedIds();
    Reblinded replyToOther = c.reblind(fromOther);
    PsiException e = assertThrows(PsiException.class, () -> a.intersection(replyToOther));
    assertEquals(PsiException.Reason.MISMATCHED, e.reason());
  }

  @Test
  void reblind_ownMessageSentBack_isRefusedAsMismatched() {
    PsiParty a = PsiParty.of(ids("r", 0, 10));
    BlindedIds own = a.blindedIds();
    PsiException e = assertThrows(PsiException.class, () -> a.reblind(BlindedIds.fromBytes(own.toBytes())));
    assertEquals(PsiException.Reason.MISMATCHED, e.reason());
  }

  @Test
  void of_unpairedSurrogate_isRefusedBecauseItHasNoUtf8Form() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PsiParty.of(List.of("ok", "\uD83D", "\uDE00x")));
    assertTrue(e.getMessage().contains("position 1"), e.getMessage());
  }

  @Test
  void of_nullId_isRefusedNamingItsPosition() {
    NullPointerException e = assertThrows(NullPointerException.class,
        () -> PsiParty.of(Arrays.asList("a", null), new SecureRandom()));
    assertTrue(e.getMessage().contains("position 1"), e.getMessage());
  }
}
