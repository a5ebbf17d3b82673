package dev.tandem.certs;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/** PKIX to the federation CA, then revocation, then role. Thread-safe. */
final class FederationTrustManager extends X509ExtendedTrustManager {
  private final X509ExtendedTrustManager pkix;
  private final X509Certificate ca;
  private final CrlSource crls;
  private final Set<Role> acceptedRoles;
  private volatile X509CRL lastVerifiedCrl;

  @FunctionalInterface
  private interface PkixCheck {
    void run() throws CertificateException;
  }

  FederationTrustManager(X509ExtendedTrustManager pkix, X509Certificate ca, CrlSource crls, Set<Role> acceptedRoles) {
    this.pkix = pkix;
    this.ca = ca;
    this.crls = crls;
    this.acceptedRoles = Set.copyOf(acceptedRoles);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    check(chain, () -> pkix.checkClientTrusted(chain, authType));
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    check(chain, () -> pkix.checkClientTrusted(chain, authType, socket));
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    check(chain, () -> pkix.checkClientTrusted(chain, authType, engine));
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    check(chain, () -> pkix.checkServerTrusted(chain, authType));
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    check(chain, () -> pkix.checkServerTrusted(chain, authType, socket));
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    check(chain, () -> pkix.checkServerTrusted(chain, authType, engine));
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return new X509Certificate[] {ca};
  }

  private void check(X509Certificate[] chain, PkixCheck pkixCheck) throws CertificateException {
    if (chain == null || chain.length == 0 || chain[0] == null) {
      throw new CertificateException("the peer presented no certificate");
    }
    X509Certificate leaf = chain[0];
    String who = describe(leaf);
    try {
      pkixCheck.run();
    } catch (CertificateException e) {
      throw explain(leaf, who, e);
    }
    checkRevocation(leaf, who);
    checkRole(leaf, who);
  }

  private CertificateException explain(X509Certificate leaf, String who, CertificateException e) {
    String reason;
    if (!FederationCa.signedBy(leaf, ca)) {
      String caName = ca.getSubjectX500Principal().getName();
      String issuer = leaf.getIssuerX500Principal().getName();
      reason = who + " is not issued by the federation CA '" + caName + "' ("
          + (leaf.getIssuerX500Principal().equals(ca.getSubjectX500Principal())
              ? "it names that CA as issuer but is signed by another key: a different federation"
                  + " with the same name"
              : "its issuer is '" + issuer + "'")
          + ")";
    } else if (new Date().after(leaf.getNotAfter())) {
      reason = who + " expired at " + leaf.getNotAfter().toInstant() + "; issue a new one";
    } else if (new Date().before(leaf.getNotBefore())) {
      reason = who + " is not valid before " + leaf.getNotBefore().toInstant()
          + " (check this machine's clock)";
    } else {
      reason = who + " is refused: " + e.getMessage();
    }
    return new CertificateException(reason, e);
  }

  private void checkRevocation(X509Certificate leaf, String who) throws CertificateException {
    Optional<X509CRL> current;
    try {
      current = crls.current();
    } catch (RuntimeException e) {
      throw new CertificateException("cannot check whether " + who + " is revoked: " + e.getMessage(), e);
    }
    if (current.isEmpty()) {
      return;
    }
    X509CRL crl = current.get();
    if (crl != lastVerifiedCrl) {
      try {
        checkCrlSignedBy(crl, ca, "the revocation list");
      } catch (IllegalStateException e) {
        throw new CertificateException("cannot check whether " + who + " is revoked: " + e.getMessage(), e);
      }
      lastVerifiedCrl = crl;
    }
    X509CRLEntry entry = crl.getRevokedCertificate(leaf.getSerialNumber());
    if (entry != null) {
      Instant since = entry.getRevocationDate().toInstant();
      throw new CertificateException(who + " is revoked by the federation CA (since " + since + ")");
    }
  }

  private void checkRole(X509Certificate leaf, String who) throws CertificateException {
    SiteIdentity identity;
    try {
      identity = SiteIdentity.fromCertificate(leaf);
    } catch (InvalidCertificateException e) {
      throw new CertificateException(who + " carries no site identity: " + e.getMessage(), e);
    }
    if (!acceptedRoles.contains(identity.role())) {
      String wanted = acceptedRoles.stream().sorted().map(Role::id).collect(Collectors.joining(" or "));
      throw new CertificateException(who + " has role " + identity.role().id() + ", but this connection"
          + " requires a " + wanted);
    }
  }

  /** "certificate of site 'x' (serial 0x..)" or, for a certificate without site id, its subject. */
  static String describe(X509Certificate cert) {
    String serial = Serials.hex(cert.getSerialNumber());
    try {
      return "certificate of site '" + SiteIdentity.fromCertificate(cert).siteId() + "' (serial " + serial + ")";
    } catch (InvalidCertificateException e) {
      return "certificate '" + cert.getSubjectX500Principal().getName() + "' (serial " + serial + ")";
    }
  }

  /** @throws IllegalStateException if {@code crl} is not issued and signed by {@code ca} */
  static void checkCrlSignedBy(X509CRL crl, X509Certificate ca, String what) {
    String caName = ca.getSubjectX500Principal().getName();
    if (!crl.getIssuerX500Principal().equals(ca.getSubjectX500Principal())) {
      throw new IllegalStateException(what + " is issued by '" + crl.getIssuerX500Principal().getName()
          + "', not by the federation CA '" + caName + "'");
    }
    try {
      crl.verify(ca.getPublicKey());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(what + " is not signed by the federation CA '" + caName + "'", e);
    }
  }
}
