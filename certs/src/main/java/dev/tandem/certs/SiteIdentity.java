package dev.tandem.certs;

import java.security.cert.X509Certificate;
import java.util.Objects;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;

/**
 * Who a site is: its federation-wide id and its role, as certified by the federation CA.
 *
 * @param siteId 1 to 64 characters of {@code [a-z0-9][a-z0-9._-]*}
 * @param role never null
 */
public record SiteIdentity(String siteId, Role role) {
  private static final Pattern SITE_ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

  public SiteIdentity {
    checkSiteId(siteId);
    Objects.requireNonNull(role, "role");
  }

  /**
   * Checks that {@code siteId} is a well-formed site id.
   *
   * @throws IllegalArgumentException naming the bad value
   */
  public static String checkSiteId(String siteId) {
    if (siteId == null || !SITE_ID.matcher(siteId).matches()) {
      throw new IllegalArgumentException(
          "invalid site id '" + siteId + "': expected 1 to 64 characters of a-z, 0-9, '.', '_', '-'"
              + " starting with a letter or digit");
    }
    return siteId;
  }

  /**
   * Reads the identity of a site certificate: the site id from the subject CN and the role from the
   * subject OU. Does not check who signed the certificate.
   *
   * @throws InvalidCertificateException if the subject lacks exactly one CN or OU, or either is
   *     malformed
   */
  public static SiteIdentity fromCertificate(X509Certificate cert) {
    Objects.requireNonNull(cert, "cert");
    String subject = cert.getSubjectX500Principal().getName();
    return fromName(X500Name.getInstance(cert.getSubjectX500Principal().getEncoded()),
        "certificate '" + subject + "'");
  }

  /**
   * Reads the identity in a subject name (CN and OU), as {@link #fromCertificate} does.
   *
   * @param what names the holder of the name in messages, e.g. "certificate 'CN=...'"
   * @throws InvalidCertificateException as {@link #fromCertificate}
   */
  static SiteIdentity fromName(X500Name name, String what) {
    String cn = single(name, BCStyle.CN, "CN", what);
    String ou = single(name, BCStyle.OU, "OU", what);
    try {
      return new SiteIdentity(cn, Role.parse(ou));
    } catch (IllegalArgumentException e) {
      throw new InvalidCertificateException(what + " carries no valid site identity: " + e.getMessage(), e);
    }
  }

  private static String single(X500Name name, ASN1ObjectIdentifier type, String label, String what) {
    RDN[] rdns = name.getRDNs(type);
    if (rdns.length != 1 || rdns[0].isMultiValued()) {
      throw new InvalidCertificateException(
          what + " must have exactly one " + label + " in its subject, found " + rdns.length);
    }
    ASN1Encodable value = rdns[0].getFirst().getValue();
    if (!(value instanceof ASN1String)) {
      throw new InvalidCertificateException(what + " has a " + label + " that is not a string");
    }
    return ((ASN1String) value).getString();
  }

  @Override
  public String toString() {
    return siteId + " (" + role.id() + ")";
  }
}
