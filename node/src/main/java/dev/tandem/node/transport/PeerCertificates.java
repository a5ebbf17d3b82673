package dev.tandem.node.transport;

import dev.tandem.certs.InvalidCertificateException;
import dev.tandem.certs.Role;
import dev.tandem.certs.SiteIdentity;
import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Objects;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Checks a node certificate that the coordinator relayed from another site (with a key that site
 * signed): chained to the federation CA, not revoked, a node's, and the named site's. The relay
 * cannot substitute a certificate of its own or of another site. Thread-safe.
 *
 * @param trust the federation's trust manager for node certificates (chain, CRL, role)
 * @param ca the federation CA certificate
 */
public record PeerCertificates(X509ExtendedTrustManager trust, X509Certificate ca) {

  public PeerCertificates {
    Objects.requireNonNull(trust, "trust");
    Objects.requireNonNull(ca, "ca");
  }

  /**
   * Parses and checks the DER certificate relayed for {@code expectedSite}.
   *
   * @throws CertificateException with a message naming what is wrong, if it is malformed, untrusted,
   *     revoked, not a node's, or another site's
   */
  public X509Certificate verify(String expectedSite, byte[] der) throws CertificateException {
    X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(der));
    trust.checkClientTrusted(new X509Certificate[] {cert, ca}, "EC");
    SiteIdentity id;
    try {
      id = SiteIdentity.fromCertificate(cert);
    } catch (InvalidCertificateException e) {
      throw new CertificateException(e.getMessage(), e);
    }
    if (!id.siteId().equals(expectedSite) || id.role() != Role.NODE) {
      throw new CertificateException("it is the " + id.role().id() + " certificate of site '" + id.siteId() + "'");
    }
    return cert;
  }
}
