package dev.tandem.node.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.certs.Pem;
import dev.tandem.certs.SiteIdentity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * A self-contained audit export: the site, every entry with its signature, the node certificates
 * that signed them, the federation CA certificate and the coordinator's countersignatures (with
 * their certificates). The JSON format is specified in AUDIT_FORMAT.md; {@link AuditVerifier}
 * checks it.
 *
 * <p>Immutable.
 */
public final class AuditExport {
  /** Value of the {@code format} field. */
  public static final String FORMAT = "tandem-audit-export";
  /** Value of the {@code version} field. */
  public static final int VERSION = 1;

  private final String json;
  private final int entries;

  AuditExport(String site, Instant exportedAt, X509Certificate ca, List<X509Certificate> nodeCertificates,
      List<AuditEntry> entries, List<HeadCountersignature> countersignatures) {
    ObjectNode root = EntryCodec.JSON.createObjectNode();
    root.put("format", FORMAT);
    root.put("version", VERSION);
    root.put("site", site);
    root.put("exportedAt", EntryCodec.formatTime(exportedAt));
    root.put("federationCa", Pem.encode(ca));
    ArrayNode certs = root.putArray("nodeCertificates");
    for (X509Certificate cert : nodeCertificates) {
      ObjectNode c = certs.addObject();
      c.put("sha256", EntryCodec.fingerprint(cert));
      c.put("pem", Pem.encode(cert));
    }
    ArrayNode list = root.putArray("entries");
    for (AuditEntry e : entries) {
      ObjectNode n = list.addObject();
      n.put("seq", e.seq());
      n.put("time", e.timeText());
      n.put("type", e.type().name());
      n.put("payload", e.payload());
      n.put("prevHash", EntryCodec.hex(e.prevHash()));
      n.put("hash", EntryCodec.hex(e.hash()));
      n.put("signer", e.signer());
      n.put("signature", Base64.getEncoder().encodeToString(e.signature()));
    }
    ArrayNode heads = root.putArray("countersignatures");
    for (HeadCountersignature cs : countersignatures) {
      ObjectNode n = heads.addObject();
      n.put("seq", cs.seq());
      n.put("headHash", EntryCodec.hex(cs.headHash()));
      n.put("coordinator", SiteIdentity.fromCertificate(cs.coordinatorCertificate()).siteId());
      n.put("certificate", Pem.encode(cs.coordinatorCertificate()));
      n.put("signature", Base64.getEncoder().encodeToString(cs.signature()));
    }
    try {
      this.json = EntryCodec.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    this.entries = entries.size();
  }

  /** The export as JSON text. */
  public String toJson() {
    return json;
  }

  /** Number of entries exported. */
  public int entryCount() {
    return entries;
  }

  /**
   * Writes the export (UTF-8), replacing {@code file} atomically.
   *
   * @throws UncheckedIOException if it cannot be written
   */
  public void write(Path file) {
    Objects.requireNonNull(file, "file");
    Path target = file.toAbsolutePath();
    try {
      Files.createDirectories(target.getParent());
      Path tmp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".tmp");
      try {
        Files.writeString(tmp, json, StandardCharsets.UTF_8);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the audit export " + file + ": " + e.getMessage(), e);
    }
  }
}
