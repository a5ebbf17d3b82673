package dev.tandem.coordinator.rounds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.coordinator.rounds.Phase.Kind;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PhaseTest {
  @Test
  void await_allAnswered_returnsWithoutWaitingForTimeout() throws Exception {
    Phase<String> p = new Phase<>(Kind.TRAIN, 3, Set.of("a", "b"));
    p.accept("a", Kind.TRAIN, 3, "x");
    p.accept("b", Kind.TRAIN, 3, "y");
    long start = System.nanoTime();
    Map<String, String> answers = p.await(Duration.ofMinutes(5));
    assertEquals(Map.of("a", "x", "b", "y"), answers);
    assertTrue(System.nanoTime() - start < Duration.ofSeconds(5).toNanos());
  }

  @Test
  void await_siteSilent_closesAtTimeoutWithTheOthers() throws Exception {
    Phase<String> p = new Phase<>(Kind.TRAIN, 1, Set.of("a", "b"));
    p.accept("a", Kind.TRAIN, 1, "x");
    assertEquals(Map.of("a", "x"), p.await(Duration.ofMillis(50)));
    assertTrue(p.excluded().get("b").contains("no answer"));
    Rejection late = assertThrows(Rejection.class, () -> p.accept("b", Kind.TRAIN, 1, "late"));
    assertEquals(Rejection.Reason.WRONG_ROUND, late.reason());
  }

  @Test
  void accept_wrongRoundOrKind_refusedAsWrongRound() {
    Phase<String> p = new Phase<>(Kind.TRAIN, 2, Set.of("a"));
    assertEquals(Rejection.Reason.WRONG_ROUND,
        assertThrows(Rejection.class, () -> p.accept("a", Kind.TRAIN, 1, "x")).reason());
    assertEquals(Rejection.Reason.WRONG_ROUND,
        assertThrows(Rejection.class, () -> p.accept("a", Kind.EVALUATE, 2, "x")).reason());
  }

  @Test
  void accept_twice_refused() throws Exception {
    Phase<String> p = new Phase<>(Kind.STATS, 0, Set.of("a", "b"));
    p.accept("a", Kind.STATS, 0, "x");
    Rejection r = assertThrows(Rejection.class, () -> p.accept("a", Kind.STATS, 0, "x"));
    assertTrue(r.getMessage().contains("already answered"));
  }

  @Test
  void accept_excludedOrUnexpectedSite_refusedAsNotParticipant() {
    Phase<String> p = new Phase<>(Kind.TRAIN, 1, Set.of("a", "b"));
    p.exclude("b", "disconnected");
    assertEquals(Rejection.Reason.NOT_PARTICIPANT,
        assertThrows(Rejection.class, () -> p.accept("b", Kind.TRAIN, 1, "x")).reason());
    assertEquals(Rejection.Reason.NOT_PARTICIPANT,
        assertThrows(Rejection.class, () -> p.accept("c", Kind.TRAIN, 1, "x")).reason());
  }
}
