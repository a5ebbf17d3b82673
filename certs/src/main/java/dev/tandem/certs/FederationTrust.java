package dev.tandem.certs;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Key and trust managers for mutual TLS between the sites of one federation.
 *
 * <p>Use them with any JSSE-based stack, e.g. {@code SSLContext.init(new KeyManager[] {km}, new
 * TrustManager[] {tm}, null)} or Netty's {@code SslContextBuilder.keyManager(km).trustManager(tm)}.
 */
public final class FederationTrust {
  private FederationTrust() {}

  /**
   * A trust manager that accepts a peer only if its certificate chains to {@code ca} (checked by
   * the JDK's PKIX trust manager, which also verifies validity, key usage and, when the socket or
   * engine asks for it through {@code SSLParameters.setEndpointIdentificationAlgorithm}, the host
   * name), is not revoked according to {@code crls}, and carries {@code expectedPeerRole}.
   *
   * <p>Refusals are {@link java.security.cert.CertificateException}s whose message names the site,
   * the serial and the reason. If {@code crls} fails or yields a CRL not signed by {@code ca},
   * every peer is refused. Thread-safe.
   *
   * @throws IllegalArgumentException if {@code ca} is not a CA certificate
   */
  public static X509ExtendedTrustManager trustManager(X509Certificate ca, CrlSource crls, Role expectedPeerRole) {
    Objects.requireNonNull(expectedPeerRole, "expectedPeerRole");
    return trustManager(ca, crls, EnumSet.of(expectedPeerRole));
  }

  /**
   * Like {@link #trustManager(X509Certificate, CrlSource, Role)}, accepting a peer of any of
   * {@code acceptedPeerRoles} (for a listener that serves several roles and authorizes per call).
   *
   * @throws IllegalArgumentException if {@code ca} is not a CA certificate or no role is given
   */
  public static X509ExtendedTrustManager trustManager(X509Certificate ca, CrlSource crls, Set<Role> acceptedPeerRoles) {
    Objects.requireNonNull(ca, "ca");
    Objects.requireNonNull(crls, "crls");
    Objects.requireNonNull(acceptedPeerRoles, "acceptedPeerRoles");
    if (acceptedPeerRoles.isEmpty()) {
      throw new IllegalArgumentException("at least one accepted peer role is required");
    }
    requireCa(ca);
    return new FederationTrustManager(pkix(ca), ca, crls, EnumSet.copyOf(acceptedPeerRoles));
  }

  /**
   * A key manager that presents {@code cert} followed by {@code ca} for any key type matching the
   * certificate's key. Thread-safe.
   *
   * @throws IllegalArgumentException if {@code ca} did not sign {@code cert} or {@code key} does
   *     not belong to it
   */
  public static X509ExtendedKeyManager keyManager(X509Certificate cert, PrivateKey key, X509Certificate ca) {
    Objects.requireNonNull(cert, "cert");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(ca, "ca");
    requireCa(ca);
    String who = FederationTrustManager.describe(cert);
    if (!FederationCa.signedBy(cert, ca)) {
      throw new IllegalArgumentException(who + " is not issued by the federation CA '"
          + ca.getSubjectX500Principal().getName() + "'");
    }
    if (!Keys.matches(key, cert.getPublicKey())) {
      throw new IllegalArgumentException("the private key does not belong to the " + who);
    }
    return new SiteKeyManager(new X509Certificate[] {cert, ca}, key);
  }

  private static void requireCa(X509Certificate ca) {
    if (ca.getBasicConstraints() < 0) {
      throw new IllegalArgumentException("'" + ca.getSubjectX500Principal().getName()
          + "' is not a CA certificate");
    }
  }

  private static X509ExtendedTrustManager pkix(X509Certificate ca) {
    try {
      KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
      anchors.load(null, null);
      anchors.setCertificateEntry("federation-ca", ca);
      TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
      factory.init(anchors);
      for (TrustManager tm : factory.getTrustManagers()) {
        if (tm instanceof X509ExtendedTrustManager x509) {
          return x509;
        }
      }
      throw new IllegalStateException("the JDK's PKIX TrustManagerFactory offers no X509ExtendedTrustManager");
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build a PKIX trust manager for the federation CA", e);
    }
  }
}
