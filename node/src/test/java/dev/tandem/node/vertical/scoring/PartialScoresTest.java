package dev.tandem.node.vertical.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PartialScoresTest {
  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void encode_decode_roundTripsExactlyInOrder() {
    List<String> ids = List.of("z-9", "a 1", "ü-7", "none");
    long[] values = {0L, -1L, Long.MIN_VALUE + 5};
    byte[] text = PartialScores.encode(ids, Map.of("z-9", values[0], "a 1", values[1], "ü-7", values[2]));
    assertEquals("z-9\t0000000000000000\na 1\tffffffffffffffff\nü-7\t8000000000000005\nnone\t-",
        new String(text, StandardCharsets.UTF_8));

    Map<String, OptionalLong> back = PartialScores.decode(text, ids);
    assertEquals(ids, List.copyOf(back.keySet()));
    for (int i = 0; i < 3; i++) {
      assertEquals(values[i], back.get(ids.get(i)).getAsLong());
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
        () -> PartialScores.decode(utf8("c1\t0000000000000001\nintruder-7\t0000000000000002"), Set.of("c1")));
    assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    assertFalse(e.getMessage().contains("intruder"), e.getMessage());
  }

  @Test
  void decode_malformedLines_throw() {
    Set<String> asked = Set.of("c1", "c2");
    String one = "0000000000000001";
    for (String bad : List.of("c1\t" + one + "\nc1\t" + one, "c1 " + one, "c1\t1.0", "c1\t000000000000000g",
        "c1\t00000000000000001", "c1\t-000000000000001", "c1\t", "c1\t" + one + "\n")) {
      assertThrows(IllegalArgumentException.class, () -> PartialScores.decode(utf8(bad), asked), bad);
    }
    assertThrows(IllegalArgumentException.class,
        () -> PartialScores.decode(new byte[] {'c', '1', '\t', (byte) 0xC3}, asked));
  }
}
