package dev.tandem.node.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.crypto.merkle.AbsenceProof;
import dev.tandem.crypto.merkle.InclusionProof;
import dev.tandem.crypto.merkle.PresenceProof;
import dev.tandem.crypto.merkle.SetProof;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** JSON form of set proofs in subject-access reports (AUDIT_FORMAT.md). */
final class ProofJson {
  private ProofJson() {}

  static ObjectNode write(SetProof proof) {
    ObjectNode n = EntryCodec.JSON.createObjectNode();
    if (proof instanceof PresenceProof p) {
      n.put("type", "inclusion");
      inclusion(n, p.inclusion());
    } else {
      AbsenceProof a = (AbsenceProof) proof;
      n.put("type", "absence");
      n.put("treeSize", a.treeSize());
      neighbor(n, "lower", a.lower());
      neighbor(n, "upper", a.upper());
    }
    return n;
  }

  private static void neighbor(ObjectNode n, String name, AbsenceProof.Neighbor nb) {
    if (nb == null) {
      n.putNull(name);
      return;
    }
    ObjectNode o = n.putObject(name);
    o.put("leafHash", EntryCodec.hex(nb.leafHash()));
    inclusion(o, nb.inclusion());
  }

  private static void inclusion(ObjectNode n, InclusionProof p) {
    n.put("leafIndex", p.leafIndex());
    n.put("treeSize", p.treeSize());
    ArrayNode path = n.putArray("path");
    for (byte[] h : p.path()) {
      path.add(EntryCodec.hex(h));
    }
  }

  /** @throws IllegalArgumentException if the node is not a proof of the documented form */
  static SetProof read(JsonNode n) {
    String type = text(n, "type");
    switch (type) {
      case "inclusion":
        return new PresenceProof(inclusion(n));
      case "absence":
        return new AbsenceProof(number(n, "treeSize"), neighbor(n.get("lower")), neighbor(n.get("upper")));
      default:
        throw new IllegalArgumentException("unknown proof type '" + type + "'");
    }
  }

  private static AbsenceProof.Neighbor neighbor(JsonNode n) {
    if (n == null || n.isNull()) {
      return null;
    }
    return new AbsenceProof.Neighbor(hex(text(n, "leafHash")), inclusion(n));
  }

  private static InclusionProof inclusion(JsonNode n) {
    JsonNode path = n.get("path");
    if (path == null || !path.isArray()) {
      throw new IllegalArgumentException("a proof needs a path array");
    }
    List<byte[]> hashes = new ArrayList<>();
    for (JsonNode h : path) {
      if (!h.isTextual()) {
        throw new IllegalArgumentException("a path holds hex strings");
      }
      hashes.add(hex(h.asText()));
    }
    return new InclusionProof(number(n, "leafIndex"), number(n, "treeSize"), hashes);
  }

  static String text(JsonNode n, String field) {
    JsonNode v = n == null ? null : n.get(field);
    if (v == null || !v.isTextual()) {
      throw new IllegalArgumentException("missing text field '" + field + "'");
    }
    return v.asText();
  }

  static long number(JsonNode n, String field) {
    JsonNode v = n == null ? null : n.get(field);
    if (v == null || !v.isIntegralNumber() || !v.canConvertToLong()) {
      throw new IllegalArgumentException("missing integer field '" + field + "'");
    }
    return v.asLong();
  }

  static byte[] hex(String s) {
    if (s.length() != 64) {
      throw new IllegalArgumentException("expected 64 hex characters, got " + s.length());
    }
    return HexFormat.of().parseHex(s);
  }
}
