package dev.tandem.node.vertical.scoring;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The plaintext a party seals to the requester: one UTF-8 line per id asked, {@code id \t masked}
 * (its masked fixed-point partial score, {@link ScoreMasking}: 16 lowercase hex digits of an
 * unsigned 64-bit value) or {@code id \t -} when the party has no record of the id or no consent
 * for the model's purpose; lines are separated by {@code \n}.
 * Subject ids hold no control character ({@code Consent.checkSubjectId}), so a tab ends the id.
 */
final class PartialScores {
  /** Written for an id the party cannot score. */
  static final String NONE = "-";

  private PartialScores() {}

  /**
   * The lines for {@code ids}, in order: the masked value of those in {@code masked}, {@link #NONE}
   * for the others.
   */
  static byte[] encode(List<String> ids, Map<String, Long> masked) {
    StringBuilder out = new StringBuilder(ids.size() * 32);
    for (String id : ids) {
      if (out.length() > 0) {
        out.append('\n');
      }
      Long m = masked.get(id);
      out.append(id).append('\t').append(m == null ? NONE : String.format("%016x", m));
    }
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Reads the lines of one party: for each id it mentions, its masked value, or empty for {@link #NONE}.
   *
   * @param asked the ids the party was asked about; it may mention no other, and each at most once
   * @throws IllegalArgumentException naming the line (never the id) that is not valid UTF-8, has no
   *     tab, names an id not asked for or twice, or holds neither 16 hex digits nor {@link #NONE}
   */
  static Map<String, OptionalLong> decode(byte[] plaintext, Collection<String> asked) {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(plaintext)).toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("the partial scores are not UTF-8 text");
    }
    Map<String, OptionalLong> out = new LinkedHashMap<>();
    if (text.isEmpty()) {
      return out;
    }
    Set<String> expected = asked instanceof Set<String> s ? s : new HashSet<>(asked);
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      int tab = lines[i].indexOf('\t');
      if (tab < 0) {
        throw new IllegalArgumentException("line " + (i + 1) + " of the partial scores has no tab");
      }
      String id = lines[i].substring(0, tab);
      if (!expected.contains(id)) {
        throw new IllegalArgumentException("line " + (i + 1) + " of the partial scores names an id not asked for");
      }
      String value = lines[i].substring(tab + 1);
      OptionalLong partial;
      if (value.equals(NONE)) {
        partial = OptionalLong.empty();
      } else if (value.length() == 16 && value.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
        partial = OptionalLong.of(Long.parseUnsignedLong(value, 16));
      } else {
        throw new IllegalArgumentException("line " + (i + 1) + " of the partial scores holds no masked value");
      }
      if (out.put(id, partial) != null) {
        throw new IllegalArgumentException("line " + (i + 1) + " of the partial scores repeats an id");
      }
    }
    return out;
  }
}
