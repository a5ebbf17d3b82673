package dev.tandem.node.consent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PseudonymsTest {
  @TempDir
  Path dir;

  @Test
  void of_sameDatabase_stableAcrossRestarts() {
    String url = "jdbc:h2:file:" + dir.resolve("node");
    String first = Pseudonyms.open(url).of("alice");
    assertEquals(first, Pseudonyms.open(url).of("alice"));
    assertEquals(64, first.length());
    assertEquals(first, Pseudonyms.checkPseudonym(first));
    assertNotEquals(first, Pseudonyms.open(url).of("alicE"));
  }

  @Test
  void of_otherNode_otherSecretOtherPseudonym() {
    Pseudonyms a = Pseudonyms.open("jdbc:h2:file:" + dir.resolve("a"));
    Pseudonyms b = Pseudonyms.open("jdbc:h2:file:" + dir.resolve("b"));
    assertNotEquals(a.of("alice"), b.of("alice"));
    assertNotEquals(a.of("alice"), a.of("bob"));
    assertFalse(a.toString().contains(a.of("alice")));
    assertTrue(a.toString().contains("hidden"));
  }

  @Test
  void checkPseudonym_malformed_throws() {
    assertThrows(IllegalArgumentException.class, () -> Pseudonyms.checkPseudonym("ABC"));
    assertThrows(IllegalArgumentException.class, () -> Pseudonyms.checkPseudonym("A".repeat(64)));
    assertThrows(IllegalArgumentException.class,
        () -> Pseudonyms.open("jdbc:h2:file:" + dir.resolve("c")).of("bad\nid"));
  }
}
