package dev.tandem.node.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tandem.certs.InvalidCertificateException;
import dev.tandem.certs.Role;
import dev.tandem.certs.SiteIdentity;
import dev.tandem.crypto.ecdsa.EcdsaVerifier;
import dev.tandem.crypto.merkle.HeadSignature;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/** The audit log's canonical encodings, hashes, signatures and certificate checks (docs/AUDIT_FORMAT.md). */
final class EntryCodec {
  static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";
  static final byte[] ZERO_HASH = new byte[32];
  static final ObjectMapper JSON = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  private static final byte[] ENTRY_LABEL = "tandem-audit-entry-v1".getBytes(StandardCharsets.US_ASCII);
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
  private static final SecureRandom RANDOM = new SecureRandom();

  private EntryCodec() {}

  static String formatTime(Instant t) {
    return TIME.format(t.truncatedTo(ChronoUnit.MILLIS));
  }

  static Instant parseTime(String text) {
    return Instant.from(TIME.parse(text));
  }

  /**
   * SHA-256 over {@code "tandem-audit-entry-v1" || u64(seq) || u32(len) time || u32(len) type ||
   * u32(len) payload || prevHash}, strings UTF-8, integers big-endian.
   */
  static byte[] entryHash(long seq, String time, String type, String payload, byte[] prevHash) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(128 + payload.length());
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.write(ENTRY_LABEL);
      out.writeLong(seq);
      writeString(out, time);
      writeString(out, type);
      writeString(out, payload);
      out.write(prevHash);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return sha256(bytes.toByteArray());
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(utf8.length);
    out.write(utf8);
  }

  static byte[] sign(PrivateKey key, byte[] hash) {
    try {
      Signature s = Signature.getInstance(SIGNATURE_ALGORITHM);
      s.initSign(key, RANDOM);
      s.update(hash);
      return s.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign an audit entry: " + e.getMessage(), e);
    }
  }

  static boolean verify(PublicKey key, byte[] hash, byte[] signature) {
    return EcdsaVerifier.verify(key, hash, signature);
  }

  /** A JSON object with keys sorted at every level and no blanks. */
  static String canonicalJson(Map<String, ?> payload) {
    try {
      return JSON.writeValueAsString(payload);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("the payload cannot be written as JSON: " + e.getOriginalMessage(), e);
    }
  }

  static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }

  /** SHA-256 of the DER encoding, lower-case hex. */
  static String fingerprint(X509Certificate cert) {
    try {
      return hex(sha256(cert.getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot encode a certificate", e);
    }
  }

  /** Whether {@code ca} issued {@code cert}: issuer name and signature. */
  static boolean issuedBy(X509Certificate cert, X509Certificate ca) {
    if (!cert.getIssuerX500Principal().equals(ca.getSubjectX500Principal())) {
      return false;
    }
    try {
      cert.verify(ca.getPublicKey());
      return true;
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  /** Why {@code cert} is not a certificate of {@code role} for {@code site} (any site if null) issued by {@code ca}. */
  static Optional<String> certificateProblem(X509Certificate cert, X509Certificate ca, Role role, String site) {
    String subject = cert.getSubjectX500Principal().getName();
    if (!issuedBy(cert, ca)) {
      return Optional.of("certificate '" + subject + "' is not issued by the federation CA '"
          + ca.getSubjectX500Principal().getName() + "'");
    }
    SiteIdentity id;
    try {
      id = SiteIdentity.fromCertificate(cert);
    } catch (InvalidCertificateException e) {
      return Optional.of(e.getMessage());
    }
    if (id.role() != role) {
      return Optional.of("certificate '" + subject + "' is a " + id.role().id() + " certificate, not a "
          + role.id() + " certificate");
    }
    if (site != null && !id.siteId().equals(site)) {
      return Optional.of("certificate '" + subject + "' belongs to site '" + id.siteId() + "', not '" + site + "'");
    }
    return Optional.empty();
  }

  /** Why a countersignature is not valid for {@code site} under {@code ca}, if it is not. */
  static Optional<String> countersignatureProblem(HeadCountersignature cs, X509Certificate ca, String site) {
    if (!cs.siteId().equals(site)) {
      return Optional.of("countersignature of seq " + cs.seq() + " is for site '" + cs.siteId() + "', not '" + site
          + "'");
    }
    Optional<String> cert = certificateProblem(cs.coordinatorCertificate(), ca, Role.COORDINATOR, null);
    if (cert.isPresent()) {
      return Optional.of("countersignature of seq " + cs.seq() + ": " + cert.get());
    }
    if (!HeadSignature.verify(cs.coordinatorCertificate().getPublicKey(), cs.siteId(), cs.seq(), cs.headHash(),
        cs.signature())) {
      return Optional.of("countersignature of seq " + cs.seq() + " does not verify with the coordinator certificate");
    }
    return Optional.empty();
  }
}
