package dev.tandem.node.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * The line of every key and list item of a YAML document, by its dotted path ({@code policy.purposes.churn},
 * {@code policy.purposes.churn.columns[2]}), so that a configuration error names where it is.
 */
public final class YamlLines {
  private final Map<String, Integer> lines;

  private YamlLines(Map<String, Integer> lines) {
    this.lines = lines;
  }

  /** The lines of {@code yaml}; no lines at all when it does not parse (the tree reader reports that). */
  public static YamlLines of(String yaml) {
    Map<String, Integer> lines = new HashMap<>();
    try (JsonParser p = new YAMLFactory().createParser(yaml)) {
      for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        JsonStreamContext c = p.getParsingContext();
        JsonStreamContext holder = t.isStructStart() ? c.getParent() : c;
        if (t == JsonToken.FIELD_NAME) {
          lines.putIfAbsent(path(c), p.getTokenLocation().getLineNr());
        } else if (holder != null && holder.inArray() && !t.isStructEnd()) {
          lines.putIfAbsent(path(holder), p.getTokenLocation().getLineNr());
        }
      }
    } catch (IOException | RuntimeException e) {
      return new YamlLines(lines);
    }
    return new YamlLines(lines);
  }

  private static String path(JsonStreamContext c) {
    Deque<String> parts = new ArrayDeque<>();
    for (JsonStreamContext x = c; x != null && !x.inRoot(); x = x.getParent()) {
      if (x.inArray()) {
        parts.push("[" + Math.max(0, x.getCurrentIndex()) + "]");
      } else if (x.getCurrentName() != null) {
        parts.push("." + x.getCurrentName());
      }
    }
    String s = String.join("", parts);
    return s.startsWith(".") ? s.substring(1) : s;
  }

  /** "line N: " for {@code path} or its nearest parent with a line; empty when none has one. */
  public String at(String path) {
    for (String p = path; !p.isEmpty(); p = parent(p)) {
      Integer line = lines.get(p);
      if (line != null) {
        return "line " + line + ": ";
      }
    }
    return "";
  }

  private static String parent(String path) {
    int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
    return cut <= 0 ? "" : path.substring(0, cut);
  }
}
