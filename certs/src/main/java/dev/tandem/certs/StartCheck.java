package dev.tandem.certs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Optional;

/**
 * What a node or the coordinator checks of its own TLS files before it starts, so that a wrong file
 * stops the start with a reason instead of failing every handshake later: the certificate's role and
 * site id are the ones the configuration claims, the federation CA issued it, and the revocation list
 * (when configured) is present, signed by the CA, current and does not list this certificate.
 */
public final class StartCheck {
  private StartCheck() {}

  /**
   * Checks the process's own certificate.
   *
   * @param site the site id the configuration claims (a node's {@code site:}); null for the coordinator,
   *     whose id is whatever its certificate says
   * @param crl the revocation list file, or null when none is configured
   * @throws IllegalStateException naming the file and what is wrong with it
   */
  public static SiteIdentity ownCertificate(Path cert, Path ca, Path crl, Role role, String site, Clock clock) {
    X509Certificate own = read(cert, "tls.cert");
    X509Certificate authority = read(ca, "tls.ca");
    SiteIdentity id;
    try {
      id = SiteIdentity.fromCertificate(own);
    } catch (InvalidCertificateException e) {
      throw new IllegalStateException("tls.cert " + cert + ": " + e.getMessage(), e);
    }
    if (id.role() != role) {
      throw new IllegalStateException("tls.cert " + cert + " is a " + id.role().id() + " certificate (site '"
          + id.siteId() + "'), and a " + role.id() + " needs a " + role.id() + " certificate: issue one with"
          + " tandem certs issue --role " + role.id());
    }
    if (site != null && !site.equals(id.siteId())) {
      throw new IllegalStateException("site: '" + site + "' differs from the site id '" + id.siteId()
          + "' in tls.cert " + cert + ": the federation knows this node by its certificate; set site: "
          + id.siteId() + " or use the certificate issued for '" + site + "'");
    }
    try {
      own.verify(authority.getPublicKey());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("tls.cert " + cert + " was not issued by the federation CA in tls.ca " + ca
          + ": peers would refuse it", e);
    }
    if (crl != null) {
      if (!Files.isRegularFile(crl)) {
        throw new IllegalStateException("tls.crl " + crl + " is missing: without it every peer would be refused"
            + " (a missing list must not mean that nothing is revoked); copy the CA's crl.pem there, or remove"
            + " tls.crl");
      }
      Optional<X509CRL> list = CrlSource.file(crl, authority, clock).current();
      if (list.isPresent() && list.get().isRevoked(own)) {
        throw new IllegalStateException("tls.cert " + cert + " (serial " + own.getSerialNumber().toString(16)
            + ") is revoked by tls.crl " + crl + ": peers would refuse it; issue a new certificate");
      }
    }
    return id;
  }

  private static X509Certificate read(Path file, String key) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException(key + " " + file + " is missing");
    }
    try {
      return Pem.readCertificate(file);
    } catch (RuntimeException e) {
      throw new IllegalStateException(key + " " + file + " is not a PEM certificate: " + e.getMessage(), e);
    }
  }
}
