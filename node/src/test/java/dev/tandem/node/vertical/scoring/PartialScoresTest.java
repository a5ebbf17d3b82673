package dev.tandem.node.vertical.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PartialScoresTest {
  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void encode_decode_roundTripsExactlyInOrder() {
    List<String> ids = List.of("z-9", "a 1", "ü-7", "none");
    double[] values = {0.1 + 0.2, -0.0, 1e-300, Double.MAX_VALUE};
    byte[] text = PartialScores.encode(ids, Map.of("z-9", values[0], "a 1", values[1], "ü-7", values[2]));
    assertEquals("z-9\t" + (0.1 + 0.2) + "\na 1\t-0.0\nü-7\t1.0E-300\nnone\t-", new String(text,
        StandardCharsets.UTF_8));

    Map<String, OptionalDouble> back = PartialScores.decode(text, ids);
    assertEquals(ids, List.copyOf(back.keySet()));
    for (int i = 0; i < 3; i++) {
      assertEquals(Double.doubleToLongBits(values[i]), Double.doubleToLongBits(back.get(ids.get(i)).getAsDouble()));
    }
    assertTrue(back.get("none").isEmpty());
  }

  @Test
  void decode_empty_mentionsNothing() {
    assertTrue(PartialScores.decode(new byte[0], Set.of("c1")).isEmpty());
  }

  @Test
  void decode_idNotAsked_throwsWithoutNamingIt() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PartialScores.decode(utf8("c1\t1.0\nintruder-7\t2.0"), Set.of("c1")));
    assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    assertFalse(e.getMessage().contains("intruder"), e.getMessage());
  }

  @Test
  void decode_malformedLines_throw() {
    Set<String> asked = Set.of("c1", "c2");
    for (String bad : List.of("c1\t1.0\nc1\t2.0", "c1 1.0", "c1\tNaN", "c1\tInfinity", "c1\tone", "c1\t", "c1\t1\n")) {
      assertThrows(IllegalArgumentException.class, () -> PartialScores.decode(utf8(bad), asked), bad);
    }
    assertThrows(IllegalArgumentException.class,
        () -> PartialScores.decode(new byte[] {'c', '1', '\t', (byte) 0xC3}, asked));
  }
}
