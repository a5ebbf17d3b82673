package dev.tandem.node.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.certs.Pem;
import dev.tandem.certs.Role;
import dev.tandem.certs.SiteIdentity;
import dev.tandem.crypto.merkle.LatestHeadSignature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;

/**
 * The coordinator's signed record of the latest head of a site's audit log that it countersigned
 * ({@link LatestHeadSignature}), as {@code tandem audit head} writes it: what an auditor compares a
 * site's export with, so that a log cut, rewritten with the node's own key or emptied after that
 * head is caught ({@link AuditVerifier.Options#coordinatorHead}).
 *
 * @param site the site whose log it is
 * @param seq the latest countersigned head's seq; 0 if the coordinator never countersigned one
 * @param headHash that entry's hash (32 zero bytes for seq 0; copied in and out)
 * @param countersignedAt when the coordinator countersigned it (null for seq 0)
 * @param issuedAt when the coordinator signed this record: the record says nothing of later heads
 * @param coordinatorCertificate the signing coordinator's certificate
 * @param signature SHA256withECDSA (DER) of {@link LatestHeadSignature#message}
 */
public record CoordinatorHead(String site, long seq, byte[] headHash, Instant countersignedAt, Instant issuedAt,
    X509Certificate coordinatorCertificate, byte[] signature) {
  /** Value of the {@code format} field. */
  public static final String FORMAT = "tandem-coordinator-head";
  /** Value of the {@code version} field. */
  public static final int VERSION = 1;

  /** @throws IllegalArgumentException naming the bad field */
  public CoordinatorHead {
    SiteIdentity.checkSiteId(site);
    if (seq < 0) {
      throw new IllegalArgumentException("seq must not be negative, got " + seq);
    }
    if (headHash == null || headHash.length != 32) {
      throw new IllegalArgumentException("headHash must be 32 bytes");
    }
    headHash = headHash.clone();
    if ((seq == 0) != (countersignedAt == null)) {
      throw new IllegalArgumentException("countersignedAt is given exactly when seq is above 0");
    }
    Objects.requireNonNull(issuedAt, "issuedAt");
    Objects.requireNonNull(coordinatorCertificate, "coordinatorCertificate");
    signature = Objects.requireNonNull(signature, "signature").clone();
  }

  @Override
  public byte[] headHash() {
    return headHash.clone();
  }

  @Override
  public byte[] signature() {
    return signature.clone();
  }

  /**
   * What is wrong with this record for an auditor holding {@code federationCa}: a coordinator
   * certificate not issued by it, or a signature that does not verify; empty if it holds.
   */
  public Optional<String> problem(X509Certificate federationCa) {
    Optional<String> cert = EntryCodec.certificateProblem(coordinatorCertificate, federationCa, Role.COORDINATOR,
        null);
    if (cert.isPresent()) {
      return Optional.of("the coordinator head record: " + cert.get());
    }
    boolean valid = LatestHeadSignature.verify(coordinatorCertificate.getPublicKey(), site, seq, headHash,
        countersignedAt == null ? 0 : countersignedAt.toEpochMilli(), issuedAt.toEpochMilli(), signature);
    return valid ? Optional.empty()
        : Optional.of("the coordinator head record does not verify with the coordinator certificate");
  }

  /** The record as JSON text. */
  public String toJson() {
    ObjectNode root = EntryCodec.JSON.createObjectNode();
    root.put("format", FORMAT);
    root.put("version", VERSION);
    root.put("site", site);
    root.put("seq", seq);
    root.put("headHash", EntryCodec.hex(headHash));
    root.put("countersignedAt", countersignedAt == null ? null : EntryCodec.formatTime(countersignedAt));
    root.put("issuedAt", EntryCodec.formatTime(issuedAt));
    root.put("coordinator", SiteIdentity.fromCertificate(coordinatorCertificate).siteId());
    root.put("certificate", Pem.encode(coordinatorCertificate));
    root.put("signature", Base64.getEncoder().encodeToString(signature));
    return root.toPrettyString() + "\n";
  }

  /** Writes {@link #toJson()} to {@code file}. */
  public void write(Path file) {
    try {
      Files.writeString(file, toJson(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads a record written by {@link #write}.
   *
   * @throws IllegalArgumentException if it is not one
   * @throws UncheckedIOException if the file cannot be read
   */
  public static CoordinatorHead read(Path file) {
    try {
      return parse(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** @throws IllegalArgumentException if {@code json} is not a coordinator head record */
  public static CoordinatorHead parse(String json) {
    try {
      JsonNode root = EntryCodec.JSON.readTree(json);
      if (!FORMAT.equals(root.path("format").asText()) || root.path("version").asInt() != VERSION) {
        throw new IllegalArgumentException("not a " + FORMAT + " version " + VERSION + " file");
      }
      JsonNode at = root.get("countersignedAt");
      return new CoordinatorHead(ProofJson.text(root, "site"), ProofJson.number(root, "seq"),
          ProofJson.hex(ProofJson.text(root, "headHash")),
          at == null || at.isNull() ? null : EntryCodec.parseTime(at.asText()),
          EntryCodec.parseTime(ProofJson.text(root, "issuedAt")),
          Pem.decodeCertificate(ProofJson.text(root, "certificate")),
          Base64.getDecoder().decode(ProofJson.text(root, "signature")));
    } catch (IOException | DateTimeParseException e) {
      throw new IllegalArgumentException("malformed coordinator head record: " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("malformed coordinator head record: " + e.getMessage(), e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CoordinatorHead h && h.site.equals(site) && h.seq == seq && Arrays.equals(h.headHash, headHash)
        && Objects.equals(h.countersignedAt, countersignedAt) && h.issuedAt.equals(issuedAt)
        && h.coordinatorCertificate.equals(coordinatorCertificate) && Arrays.equals(h.signature, signature);
  }

  @Override
  public int hashCode() {
    return Objects.hash(site, seq, Arrays.hashCode(headHash), issuedAt);
  }

  @Override
  public String toString() {
    return "CoordinatorHead[" + site + " seq " + seq + " " + HexFormat.of().formatHex(headHash, 0, 8) + " issued "
        + issuedAt + "]";
  }
}
