package dev.tandem.node.consent;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The consent CSV format of {@link ConsentRegistry#importCsv}: header and field parsing. */
final class ConsentCsv {
  static final String SUBJECT = "subject_id";
  static final String PURPOSE = "purpose";
  static final String STATE = "state";
  static final String SINCE = "since";
  static final String EVIDENCE = "evidence";
  static final String POLICY = "policy_version";
  private static final List<String> REQUIRED = List.of(SUBJECT, PURPOSE, STATE, SINCE);
  private static final List<String> KNOWN = List.of(SUBJECT, PURPOSE, STATE, SINCE, EVIDENCE, POLICY);

  private ConsentCsv() {}

  /** Column positions by name; -1 for an absent optional column. */
  record Header(int fields, int subject, int purpose, int state, int since, int evidence, int policy) {}

  /**
   * Reads the header line.
   *
   * @throws IllegalArgumentException naming a missing, unknown or repeated column
   */
  static Header header(String line) {
    if (line.startsWith("\uFEFF")) {
      line = line.substring(1);
    }
    List<String> names = fields(line);
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i).toLowerCase(Locale.ROOT);
      if (!KNOWN.contains(name)) {
        throw new IllegalArgumentException("unknown column '" + names.get(i) + "' (expected " + String.join(", ", KNOWN)
            + ")");
      }
      if (index.put(name, i) != null) {
        throw new IllegalArgumentException("column '" + name + "' appears twice");
      }
    }
    List<String> missing = new ArrayList<>();
    for (String required : REQUIRED) {
      if (!index.containsKey(required)) {
        missing.add(required);
      }
    }
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException("the header lacks column" + (missing.size() > 1 ? "s " : " ")
          + String.join(", ", missing) + " (a consent CSV needs " + String.join(", ", REQUIRED) + ")");
    }
    return new Header(names.size(), index.get(SUBJECT), index.get(PURPOSE), index.get(STATE), index.get(SINCE),
        index.getOrDefault(EVIDENCE, -1), index.getOrDefault(POLICY, -1));
  }

  /**
   * Splits one line into fields, each stripped of surrounding blanks; double-quoted fields may hold
   * commas and doubled quotes.
   *
   * @throws IllegalArgumentException for an unterminated quote or text after a closing quote
   */
  static List<String> fields(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    int i = 0;
    int n = line.length();
    while (true) {
      while (i < n && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
        i++;
      }
      if (i < n && line.charAt(i) == '"') {
        i++;
        while (true) {
          if (i >= n) {
            throw new IllegalArgumentException("unterminated quoted field " + (out.size() + 1));
          }
          char ch = line.charAt(i++);
          if (ch == '"') {
            if (i < n && line.charAt(i) == '"') {
              field.append('"');
              i++;
            } else {
              break;
            }
          } else {
            field.append(ch);
          }
        }
        while (i < n && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
          i++;
        }
        if (i < n && line.charAt(i) != ',') {
          throw new IllegalArgumentException("text after the closing quote of field " + (out.size() + 1));
        }
        out.add(field.toString());
      } else {
        int comma = line.indexOf(',', i);
        int end = comma < 0 ? n : comma;
        out.add(line.substring(i, end).strip());
        i = end;
      }
      field.setLength(0);
      if (i >= n) {
        return out;
      }
      i++; // the comma
      if (i == n) {
        out.add("");
        return out;
      }
    }
  }

  /**
   * Parses a {@code since} value: an ISO-8601 instant or offset date-time, or a date (its start
   * in UTC).
   *
   * @throws IllegalArgumentException quoting the value
   */
  static Instant since(String value) {
    try {
      if (value.length() == 10) {
        return LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
      }
      if (value.endsWith("Z") || value.endsWith("z")) {
        return Instant.parse(value.toUpperCase(Locale.ROOT));
      }
      return OffsetDateTime.parse(value).toInstant();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("since '" + value
          + "' is not an ISO-8601 instant (2024-03-01T10:00:00Z) or date (2024-03-01)");
    }
  }
}
