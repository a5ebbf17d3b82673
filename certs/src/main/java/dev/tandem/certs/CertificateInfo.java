package dev.tandem.certs;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A human-readable summary of a certificate, as {@code tandem certs show} prints it.
 *
 * @param subject the subject DN (RFC 2253)
 * @param identity the site identity, empty for a certificate without one (such as the CA's)
 * @param serial the serial number
 * @param notBefore start of validity
 * @param notAfter end of validity
 * @param issuer the issuer DN (RFC 2253)
 * @param hostNames DNS names and IP addresses of the subject alternative name extension
 * @param authority whether it is a CA certificate
 * @param sha256Fingerprint SHA-256 of the DER encoding, upper-case hex pairs joined by ':'
 */
public record CertificateInfo(
    String subject,
    Optional<SiteIdentity> identity,
    BigInteger serial,
    Instant notBefore,
    Instant notAfter,
    String issuer,
    List<String> hostNames,
    boolean authority,
    String sha256Fingerprint) {

  public CertificateInfo {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(identity, "identity");
    Objects.requireNonNull(serial, "serial");
    Objects.requireNonNull(notBefore, "notBefore");
    Objects.requireNonNull(notAfter, "notAfter");
    Objects.requireNonNull(issuer, "issuer");
    hostNames = List.copyOf(hostNames);
    Objects.requireNonNull(sha256Fingerprint, "sha256Fingerprint");
  }

  /** Summarizes {@code cert}; never throws for a certificate without site identity. */
  public static CertificateInfo of(X509Certificate cert) {
    Objects.requireNonNull(cert, "cert");
    Optional<SiteIdentity> identity;
    try {
      identity = Optional.of(SiteIdentity.fromCertificate(cert));
    } catch (InvalidCertificateException e) {
      identity = Optional.empty();
    }
    return new CertificateInfo(
        cert.getSubjectX500Principal().getName(),
        identity,
        cert.getSerialNumber(),
        cert.getNotBefore().toInstant(),
        cert.getNotAfter().toInstant(),
        cert.getIssuerX500Principal().getName(),
        hostNames(cert),
        cert.getBasicConstraints() >= 0,
        fingerprint(cert));
  }

  /** The serial as {@code 0x} followed by lower-case hex. */
  public String serialHex() {
    return Serials.hex(serial);
  }

  /** Whether {@code now} lies within the validity period. */
  public boolean validAt(Instant now) {
    return !now.isBefore(notBefore) && !now.isAfter(notAfter);
  }

  /** {@link #describe(Instant)} at the current time. */
  public String describe() {
    return describe(Instant.now());
  }

  /**
   * A multi-line description, one "label: value" per line, ending in a newline; the validity line
   * says whether the certificate is expired at {@code now}.
   */
  public String describe(Instant now) {
    StringBuilder text = new StringBuilder();
    line(text, "subject", subject);
    if (identity.isPresent()) {
      line(text, "site", identity.get().siteId());
      line(text, "role", identity.get().role().id());
    } else {
      line(text, "site", authority ? "(none: this is a CA certificate)" : "(none)");
    }
    line(text, "serial", serialHex());
    line(text, "not before", notBefore.toString());
    String status = now.isAfter(notAfter) ? " (EXPIRED)" : now.isBefore(notBefore) ? " (NOT YET VALID)" : "";
    line(text, "not after", notAfter + status);
    line(text, "issuer", issuer);
    if (!hostNames.isEmpty()) {
      line(text, "hosts", String.join(", ", hostNames));
    }
    line(text, "sha-256", sha256Fingerprint);
    return text.toString();
  }

  private static void line(StringBuilder text, String label, String value) {
    text.append(String.format(Locale.ROOT, "%-11s %s%n", label + ":", value));
  }

  private static List<String> hostNames(X509Certificate cert) {
    List<String> names = new ArrayList<>();
    try {
      Collection<List<?>> sans = cert.getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          int type = (Integer) san.get(0);
          if (type == 2 || type == 7) { // dNSName, iPAddress
            names.add(String.valueOf(san.get(1)));
          }
        }
      }
    } catch (CertificateParsingException e) {
      names.add("(unparseable subject alternative names)");
    }
    return names;
  }

  private static String fingerprint(X509Certificate cert) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
      return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot fingerprint a certificate", e);
    }
  }
}
