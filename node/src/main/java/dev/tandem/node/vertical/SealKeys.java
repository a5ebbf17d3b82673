package dev.tandem.node.vertical;

import com.google.protobuf.ByteString;
import dev.tandem.crypto.seal.SealPublicKey;
import dev.tandem.crypto.secagg.EcdsaKeyAdvertisementVerifier;
import dev.tandem.crypto.secagg.KeyAdvertisementSigner;
import dev.tandem.node.transport.PeerCertificates;
import dev.tandem.proto.v1.SignedSealKey;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.Objects;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Signs this site's seal key of a vertical job with its site key and checks the other parties'.
 *
 * <p>The signature is SHA256withECDSA over the UTF-8 bytes of
 * {@code "tandem-vertical-seal-v1\n" + jobId + "\n" + site + "\n"} followed by the 32 key bytes. A
 * peer's key is trusted only when its certificate chains to the federation CA, is not revoked, is a
 * node certificate (the federation trust manager) whose CN is the peer's site, and the signature
 * verifies under it. The coordinator relays the keys and certificates but cannot substitute its own.
 * Thread-safe.
 */
public final class SealKeys {
  private static final String CONTEXT = "tandem-vertical-seal-v1\n";

  private final String site;
  private final KeyAdvertisementSigner signer;
  private final byte[] certificate;
  private final PeerCertificates peers;

  /**
   * @param signer signs with this site's TLS key (the key of {@code certificate})
   * @param certificate this site's certificate, sent with its signed keys
   * @param peerTrust the federation's trust manager for node certificates (chain, CRL, role)
   * @param ca the federation CA
   */
  public SealKeys(String site, KeyAdvertisementSigner signer, X509Certificate certificate,
      X509ExtendedTrustManager peerTrust, X509Certificate ca) {
    this.site = Objects.requireNonNull(site, "site");
    this.signer = Objects.requireNonNull(signer, "signer");
    try {
      this.certificate = Objects.requireNonNull(certificate, "certificate").getEncoded();
    } catch (CertificateEncodingException e) {
      throw new IllegalArgumentException("this site's certificate cannot be encoded: " + e.getMessage(), e);
    }
    this.peers = new PeerCertificates(peerTrust, ca);
  }

  /** This site. */
  public String site() {
    return site;
  }

  /** The bytes a seal key is signed over. */
  public static byte[] signedBytes(String jobId, String site, byte[] publicKey) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes((CONTEXT + jobId + "\n" + site + "\n").getBytes(StandardCharsets.UTF_8));
    out.writeBytes(publicKey);
    return out.toByteArray();
  }

  /**
   * This site's seal key for {@code jobId}, signed, with this site's certificate.
   *
   * @param jobId the job id, or any other context both sides agree on (it is signed as given)
   */
  public SignedSealKey sign(String jobId, SealPublicKey key) {
    byte[] raw = key.encoded();
    return SignedSealKey.newBuilder().setSite(site).setPublicKey(ByteString.copyFrom(raw))
        .setSignature(ByteString.copyFrom(signer.sign(signedBytes(jobId, site, raw))))
        .setCertificate(ByteString.copyFrom(certificate)).build();
  }

  /**
   * The seal key {@code site} signed for {@code jobId}.
   *
   * @throws Refusal PERMISSION_DENIED naming the site when the key is not that site's, or
   *     INVALID_ARGUMENT when it is malformed
   */
  public SealPublicKey verify(String jobId, String expectedSite, SignedSealKey signed) throws Refusal {
    if (!signed.getSite().equals(expectedSite)) {
      throw Refusal.malformed("a seal key relayed for site '" + expectedSite + "' names site '" + signed.getSite()
          + "'");
    }
    SealPublicKey key;
    try {
      key = new SealPublicKey(signed.getPublicKey().toByteArray());
    } catch (IllegalArgumentException e) {
      throw Refusal.malformed("the seal key of site '" + expectedSite + "' is malformed: " + e.getMessage());
    }
    X509Certificate cert = trustedCertificate(expectedSite, signed.getCertificate().toByteArray());
    boolean valid = EcdsaKeyAdvertisementVerifier.of(Map.of(expectedSite, cert.getPublicKey()))
        .verify(expectedSite, signedBytes(jobId, expectedSite, key.encoded()), signed.getSignature().toByteArray());
    if (!valid) {
      throw Refusal.permission("the seal key relayed for site '" + expectedSite + "' in job " + jobId
          + " is not signed by that site");
    }
    return key;
  }

  private X509Certificate trustedCertificate(String expectedSite, byte[] der) throws Refusal {
    try {
      return peers.verify(expectedSite, der);
    } catch (CertificateException e) {
      throw Refusal.permission("the certificate relayed for site '" + expectedSite + "' is not trusted: "
          + e.getMessage());
    }
  }

}
