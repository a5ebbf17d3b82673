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
import java.util.OptionalDouble;
import java.util.Set;

/**
 * The plaintext a party seals to the requester: one UTF-8 line per id asked, {@code id \t partial}
 * ({@link Double#toString}, which reads back exactly) or {@code id \t -} when the party has no
 * record of the id or no consent for the model's purpose; lines are separated by {@code \n}.
 * Subject ids hold no control character ({@code Consent.checkSubjectId}), so a tab ends the id.
 */
final class PartialScores {
  /** Written for an id the party cannot score. */
  static final String NONE = "-";

  private PartialScores() {}

  /**
   * The lines for {@code ids}, in order: the partial of those in {@code partials}, {@link #NONE} for
   * the others.
   */
  static byte[] encode(List<String> ids, Map<String, Double> partials) {
    StringBuilder out = new StringBuilder(ids.size() * 32);
    for (String id : ids) {
      if (out.length() > 0) {
        out.append('\n');
      }
      Double p = partials.get(id);
      out.append(id).append('\t').append(p == null ? NONE : Double.toString(p));
    }
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Reads the lines of one party: for each id it mentions, its partial score, or empty for {@link #NONE}.
   *
   * @param asked the ids the party was asked about; it may mention no other, and each at most once
   * @throws IllegalArgumentException naming the line (never the id) that is not valid UTF-8, has no
   *     tab, names an id not asked for or twice, or holds no finite number
   */
  static Map<String, OptionalDouble> decode(byte[] plaintext, Collection<String> asked) {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(plaintext)).toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("the partial scores are not UTF-8 text");
    }
    Map<String, OptionalDouble> out = new LinkedHashMap<>();
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
      OptionalDouble partial;
      if (value.equals(NONE)) {
        partial = OptionalDouble.empty();
      } else {
        double v;
        try {
          v = Double.parseDouble(value);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("line " + (i + 1) + " of the partial scores holds no number");
        }
        if (!Double.isFinite(v)) {
          throw new IllegalArgumentException("line " + (i + 1) + " of the partial scores is not finite");
        }
        partial = OptionalDouble.of(v);
      }
      if (out.put(id, partial) != null) {
        throw new IllegalArgumentException("line " + (i + 1) + " of the partial scores repeats an id");
      }
    }
    return out;
  }
}
